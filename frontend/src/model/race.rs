//! The round-trip race as the Compare page shows it: running or not, progress, and one
//! [`ContenderResult`] per contender.

use protocol::emulate::NetModel;

use super::compare::{ContenderResult, RaceSettings};

/// The race as the page shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RaceModel {
    pub running: bool,
    pub cancelled: bool,
    /// Round trips finished and asked for, over every contender.
    pub completed: u64,
    pub total: u64,
    pub results: Vec<ContenderResult>,
    /// The settings and network of the results shown.
    pub settings: Option<RaceSettings>,
    pub net: NetModel,
}

impl RaceModel {
    /// Progress in percent (0 before any run).
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.completed as f64 * 100.0 / self.total as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RaceModel;

    #[test]
    fn percent_of_round_trips_done() {
        assert_eq!(RaceModel::default().percent(), 0.0);
        let m = RaceModel {
            completed: 15,
            total: 60,
            ..RaceModel::default()
        };
        assert_eq!(m.percent(), 25.0);
    }
}
