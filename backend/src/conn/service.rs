//! The services `serve` hands `axum::serve`: [`MakeConnService`] makes, for each accepted
//! connection, a [`ConnService`] holding the app's `Router` and that connection's
//! [`ConnHandle`]; it ties each request to the connection ([`tag::arrive`], then
//! [`tag::depart`] with the response) before the router sees it.
//!
//! It stands in for `Router::into_make_service_with_connect_info::<ConnHandle>()`, which
//! cloned the handle into a `ConnectInfo` extension on every request for `arrive` to look
//! up again and insert its own `OnConn` beside it: now `OnConn` is the one extension a
//! request gets from the connection layer (ARCHITECTURE.md, "Against bare servers").
//! In-process tests (`app(state).oneshot(…)`) have neither, and nothing is tagged.

use std::convert::Infallible;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::Router;
use axum::extract::Request;
use axum::response::Response;
use axum::routing::future::RouteFuture;
use axum::serve::IncomingStream;
use tower::Service;

use super::listener::{ConnHandle, ObservedListener};
use super::tag::{self, Arrival};

/// Makes one [`ConnService`] per connection.
#[derive(Debug, Clone)]
pub(crate) struct MakeConnService {
    router: Router,
}

impl MakeConnService {
    pub(crate) fn new(router: Router) -> Self {
        Self { router }
    }
}

impl Service<IncomingStream<'_, ObservedListener>> for MakeConnService {
    type Response = ConnService;
    type Error = Infallible;
    type Future = Ready<Result<ConnService, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, stream: IncomingStream<'_, ObservedListener>) -> Self::Future {
        ready(Ok(ConnService {
            router: self.router.clone(),
            handle: stream.remote_addr().clone(),
        }))
    }
}

/// One connection's service: the router, with each request tied to the connection.
#[derive(Debug, Clone)]
pub(crate) struct ConnService {
    router: Router,
    handle: ConnHandle,
}

impl Service<Request> for ConnService {
    type Response = Response;
    type Error = Infallible;
    type Future = Departing;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Service::<Request>::poll_ready(&mut self.router, cx)
    }

    fn call(&mut self, mut req: Request) -> Departing {
        let arrival = tag::arrive(&self.handle, &mut req);
        Departing {
            future: self.router.call(req),
            arrival: Some(arrival),
        }
    }
}

pin_project_lite::pin_project! {
    /// The router's response, reported on the connection when it is ready.
    pub(crate) struct Departing {
        #[pin]
        future: RouteFuture<Infallible>,
        arrival: Option<Arrival>,
    }
}

impl Future for Departing {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Ok(response) = std::task::ready!(this.future.poll(cx));
        if let Some(arrival) = this.arrival.take() {
            tag::depart(arrival, &response);
        }
        Poll::Ready(Ok(response))
    }
}
