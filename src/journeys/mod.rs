//! One module per user journey: its routes, forms and page structs.

pub mod accounts;
pub mod admin;
pub mod certificates;
pub mod documents;
pub mod express;
pub mod facility;
pub mod office;
pub mod public;
pub mod registration;
pub mod representation;
pub mod requests;
