//! The Compare endpoints' query strings: known names only, numbers checked against the
//! bounds `protocol` gives both ends, the `emu` network model validated (the connection
//! layer already applied it; a malformed one is refused here with a 400).

use protocol::emulate::{EMU_PARAM, NetModel};
use protocol::lab::LabParam;

use crate::error::AppError;

/// A parsed query: `name=value` pairs, each name one of the endpoint's.
#[derive(Debug)]
pub(crate) struct Query<'q> {
    pairs: Vec<(&'q str, &'q str)>,
}

impl<'q> Query<'q> {
    /// Splits `raw`; a name outside `known` is refused, naming the known ones.
    pub(crate) fn parse(raw: Option<&'q str>, known: &[&str]) -> Result<Self, AppError> {
        let mut pairs = Vec::new();
        for pair in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            if !known.contains(&name) {
                return Err(AppError::BadQuery(format!(
                    "unknown parameter `{}` (known: {})",
                    name.chars().take(32).collect::<String>(),
                    known.join(", ")
                )));
            }
            pairs.push((name, value));
        }
        Ok(Self { pairs })
    }

    fn get(&self, name: &str) -> Option<&'q str> {
        self.pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    /// A bounded number, by the parameter's own query name.
    pub(crate) fn num(&self, param: LabParam) -> Result<Option<u64>, AppError> {
        self.get(param.query_name())
            .map(|v| {
                param
                    .parse(v)
                    .map_err(|problem| AppError::BadParam { param, problem })
            })
            .transpose()
    }

    /// A bounded number that must be there.
    pub(crate) fn need_num(&self, param: LabParam) -> Result<u64, AppError> {
        self.num(param)?
            .ok_or_else(|| AppError::BadQuery(format!("`{}` is required", param.query_name())))
    }

    /// An id (`run`, `feed`, `after`): any whole number.
    pub(crate) fn id(&self, name: &str) -> Result<Option<u64>, AppError> {
        self.get(name)
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| AppError::BadQuery(format!("`{name}` must be a whole number")))
            })
            .transpose()
    }

    /// An id that must be there.
    pub(crate) fn need_id(&self, name: &str) -> Result<u64, AppError> {
        self.id(name)?
            .ok_or_else(|| AppError::BadQuery(format!("`{name}` is required")))
    }

    /// The emulated network asked for (none when absent).
    pub(crate) fn emu(&self) -> Result<NetModel, AppError> {
        match self.get(EMU_PARAM) {
            None => Ok(NetModel::NONE),
            Some(v) => NetModel::parse(&v.replace("%2C", ",").replace("%2c", ","))
                .map_err(|(param, problem)| AppError::BadParam { param, problem }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::lab::ParamProblem;

    #[test]
    fn known_names_bounds_and_emu() {
        let q = Query::parse(Some("run=3&n=50&emu=50,8"), &["run", "n", "emu"]).unwrap();
        assert_eq!(q.need_id("run").unwrap(), 3);
        assert_eq!(q.num(LabParam::RoundTrips).unwrap(), Some(50));
        assert_eq!(q.emu().unwrap().rtt_ms, 50);
        assert!(matches!(
            Query::parse(Some("bogus=1"), &["run"]),
            Err(AppError::BadQuery(_))
        ));
        let q = Query::parse(Some("n=10001&emu=5000"), &["n", "emu"]).unwrap();
        assert!(matches!(
            q.num(LabParam::RoundTrips),
            Err(AppError::BadParam {
                param: LabParam::RoundTrips,
                problem: ParamProblem::TooLarge
            })
        ));
        assert!(matches!(
            q.emu(),
            Err(AppError::BadParam {
                param: LabParam::RttMs,
                ..
            })
        ));
        assert!(matches!(q.need_id("run"), Err(AppError::BadQuery(_))));
    }
}
