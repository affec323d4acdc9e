//! One module per user journey: its routes, forms and page structs.

pub mod accounts;
pub mod admin;
pub mod bulk;
pub mod certificates;
pub mod custody;
pub mod documents;
pub mod express;
pub mod facility;
pub mod issuing;
pub mod office;
pub mod outreach;
pub mod public;
pub mod registration;
pub mod representation;
pub mod requests;

/// Every journey's routes, each under its policy; the order does not matter (`web::policy`).
pub fn routes(routes: &mut crate::web::policy::Routes) {
    accounts::routes(routes);
    admin::routes(routes);
    certificates::routes(routes);
    documents::routes(routes);
    express::routes(routes);
    facility::routes(routes);
    issuing::routes(routes);
    office::routes(routes);
    public::routes(routes);
    registration::routes(routes);
    representation::routes(routes);
    requests::routes(routes);
    custody::routes(routes);
    bulk::routes(routes);
    outreach::routes(routes);
}
