//! End-to-end tests of the whole system: real `badge-node` processes (a dev chain, a
//! four-validator consortium), the wallet service with a real SMTP server, SQLite and
//! PostgreSQL, headless Chromium, and the interoperability checks by polkadot.js and
//! openbadgeslib. The tests are the files in `tests/`; they start their processes through the
//! harness crate, `badge-harness` (`tests/harness`). The benchmark is `badge-bench`
//! (`tests/bench`).
