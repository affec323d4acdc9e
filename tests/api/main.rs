//! One test binary: the real application on a random port, real HTTP, a fresh database per test.
//! SQLite by default; PostgreSQL as well when `MADOGUCHI_TEST_POSTGRES` names a server (`.ci/run` does).

mod helpers;
mod smtp_sink;

mod access_matrix;
mod accounts;
mod authorization;
mod bulk;
mod certificates;
mod crash;
mod custody;
mod dates;
mod decisions;
mod documents;
mod enrolments;
mod errors_and_headers;
mod express;
mod feedback;
mod forms;
mod input;
mod issuing;
mod languages;
mod layout;
mod locales;
mod notify;
mod office;
mod outreach;
mod renewal;
mod representation;
mod runs;
mod security;
mod service;
mod speed;
mod storage;
mod usability;
