//! What a signed-in person may do, from their roles.

use crate::store::accounts::RoleRow;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Resident,
    MunicipalOfficer,
    InsurerOfficer,
    FacilityAdmin,
    FacilityStaff,
    Admin,
}

impl Role {
    pub fn from_code(code: &str) -> Option<Role> {
        Some(match code {
            "resident" => Role::Resident,
            "municipal_officer" => Role::MunicipalOfficer,
            "insurer_officer" => Role::InsurerOfficer,
            "facility_admin" => Role::FacilityAdmin,
            "facility_staff" => Role::FacilityStaff,
            "admin" => Role::Admin,
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::MunicipalOfficer => "municipal_officer",
            Role::InsurerOfficer => "insurer_officer",
            Role::FacilityAdmin => "facility_admin",
            Role::FacilityStaff => "facility_staff",
            Role::Admin => "admin",
        }
    }

    /// The message id naming the role.
    pub fn message_key(self) -> &'static str {
        match self {
            Role::Resident => "role-resident",
            Role::MunicipalOfficer => "role-municipal-officer",
            Role::InsurerOfficer => "role-insurer-officer",
            Role::FacilityAdmin => "role-facility-admin",
            Role::FacilityStaff => "role-facility-staff",
            Role::Admin => "role-admin",
        }
    }

    /// Everyone who works for an organisation signs in with a passkey only.
    pub fn requires_passkey(self) -> bool {
        !matches!(self, Role::Resident)
    }

    pub const ALL: [Role; 6] = [
        Role::Resident,
        Role::MunicipalOfficer,
        Role::InsurerOfficer,
        Role::FacilityAdmin,
        Role::FacilityStaff,
        Role::Admin,
    ];
}

#[derive(Clone, Debug, Default)]
pub struct Roles(Vec<(Role, String)>);

impl Roles {
    pub fn from_rows(rows: &[RoleRow]) -> Roles {
        Roles(
            rows.iter()
                .filter_map(|r| Role::from_code(&r.role).map(|role| (role, r.organisation_id.clone())))
                .collect(),
        )
    }

    pub fn has(&self, role: Role) -> bool {
        self.0.iter().any(|(r, _)| *r == role)
    }

    /// The organisations for which this person holds `role`.
    pub fn organisations(&self, role: Role) -> Vec<&str> {
        self.0.iter().filter(|(r, _)| *r == role).map(|(_, o)| o.as_str()).collect()
    }

    pub fn requires_passkey(&self) -> bool {
        self.0.iter().any(|(r, _)| r.requires_passkey())
    }

    pub fn all(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().map(|(r, _)| *r)
    }

    pub fn is_officer(&self) -> bool {
        self.has(Role::MunicipalOfficer) || self.has(Role::InsurerOfficer)
    }
}
