//! Pieces of pages that more than one journey shows, so that no journey reaches into another.

pub mod access_log;
pub mod authority;
pub mod certificate;

/// The municipality's help line, on the contact page and the status letter. The demo's number is made up (the
/// contact page says so in demo mode); change it here for real use.
pub const HELP_LINE: &str = "0120-000-000";

/// The certificate as a file to keep (the documents journey).
pub fn download_href(certificate_id: &str) -> String {
    format!("/certificates/{certificate_id}/download")
}

/// The printable status letter of a request (the documents journey).
pub fn letter_href(request_id: &str) -> String {
    format!("/requests/{request_id}/letter")
}
