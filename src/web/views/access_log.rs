//! Lines of the audit log, as the person they concern and the municipality's officers read them.

/// The message describing an audit action to the person it concerns.
pub fn action_key(action: &str) -> &'static str {
    match action {
        "record.viewed" => "access-log-action-viewed",
        "representation.requested" => "access-log-action-requested",
        "representation.approved" => "access-log-action-approved",
        "representation.declined" => "access-log-action-declined",
        "representation.ended" => "access-log-action-ended",
        "facility.consent_recorded" => "access-log-action-consent-recorded",
        "facility.consent_withdrawn" => "access-log-action-consent-withdrawn",
        "facility.resident_left" => "access-log-action-resident-left",
        "access_report.closed" => "access-log-action-report-closed",
        "enrolment.created" => "access-log-action-enrolment-created",
        "enrolment.registered" => "access-log-action-enrolment-registered",
        _ => "access-log-action-other",
    }
}
