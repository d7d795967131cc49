//! The HTTP/1.1 server loop: a router on hyper's connection builder, with a deadline on reading
//! each request's headers and a graceful stop.
//!
//! `axum::serve` reads headers without a deadline: a client that opens connections and sends
//! its headers a byte at a time, or never finishes them, holds each connection (and its task
//! and socket) for as long as it likes, below every request deadline, which starts only once
//! the headers are in. Here hyper's own header-read timeout closes such a connection; a request
//! whose headers arrived is bounded by the router's deadlines (`web::REQUEST_DEADLINE`), its
//! body by `web::MAX_BODY` and those deadlines.

use axum::{extract::ConnectInfo, Router};
use hyper_util::{
	rt::{TokioIo, TokioTimer},
	service::TowerToHyperService,
};
use std::{future::Future, pin::pin, time::Duration};
use tokio::{net::TcpListener, sync::watch, task::JoinSet};
use tower::ServiceExt;

/// Most time a client may take to send a request's headers: from opening the connection, or
/// from the previous answer on a kept-alive one.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Pause after a failed accept (out of file descriptors, say) before the next.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serve `router` on `listener` until `stop` completes, closing connections whose request
/// headers take longer than `header_timeout`; handlers see the peer's address as
/// `ConnectInfo<SocketAddr>`. On `stop` it takes no new connections, lets each open one finish
/// the request under way, and returns once all have closed.
pub async fn serve(
	listener: TcpListener,
	router: Router,
	header_timeout: Duration,
	stop: impl Future<Output = ()>,
) {
	let (stopping, stopped) = watch::channel(false);
	let mut connections = JoinSet::new();
	let mut stop = pin!(stop);
	loop {
		let (stream, peer) = tokio::select! {
			accepted = listener.accept() => match accepted {
				Ok(accepted) => accepted,
				Err(error) => {
					tracing::warn!(%error, "accepting a connection failed");
					tokio::time::sleep(ACCEPT_BACKOFF).await;
					continue;
				}
			},
			() = &mut stop => break,
		};
		let service = router
			.clone()
			.map_request(move |mut request: axum::extract::Request<_>| {
				request.extensions_mut().insert(ConnectInfo(peer));
				request
			});
		let mut stopped = stopped.clone();
		connections.spawn(async move {
			let mut builder = hyper::server::conn::http1::Builder::new();
			builder
				.timer(TokioTimer::new())
				.header_read_timeout(header_timeout);
			let connection =
				builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
			let mut connection = pin!(connection);
			let result = tokio::select! {
				result = connection.as_mut() => result,
				_ = stopped.changed() => {
					connection.as_mut().graceful_shutdown();
					connection.await
				}
			};
			if let Err(error) = result {
				tracing::debug!(%error, %peer, "connection closed");
			}
		});
		// Forget the connections that have closed.
		while connections.try_join_next().is_some() {}
	}
	drop(listener);
	let _ = stopping.send(true);
	while connections.join_next().await.is_some() {}
}
