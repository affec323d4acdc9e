//! Who may use which route. Every route is registered in the group of one policy (public, signed in, officers,
//! insurer officers, municipal officers, facility workers, administrators); each group becomes one actix scope
//! whose guard runs before any of its handlers, so a route cannot forget its guard. Handlers that need the
//! person take the one generic extractor, `Require<P>`, which checks the same policy again.
//!
//! The order of registration does not matter: within a group the most specific pattern is tried first (a fixed
//! segment before a `{placeholder}`), and two groups may not answer the same path (checked when the app is built).

use std::any::TypeId;
use std::future::{Ready, ready};
use std::marker::PhantomData;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ResourceDef, ServiceRequest, ServiceResponse, Url};
use actix_web::guard::{Guard, GuardContext};
use actix_web::middleware::{Next, from_fn};
use actix_web::{FromRequest, HttpMessage, HttpRequest, Route, web};

use crate::accounts::Role;
use crate::web::errors::AppError;
use crate::web::session::{CurrentUser, sign_in_redirect};

/// A rule about signed-in people. Without a person, every policy sends to sign-in.
pub trait Policy: 'static {
    fn admits(user: &CurrentUser) -> bool;
}

/// Anyone signed in; what they may see of a record is the access policy's business (`src/access/`).
pub struct SignedIn;
/// People who work for a municipality or an insurer.
pub struct Officers;
/// People who work for an insurer.
pub struct InsurerOfficers;
/// People who work for a municipality.
pub struct MunicipalOfficers;
/// Administrators and staff of a care facility.
pub struct FacilityWorkers;
/// Administrators of the service.
pub struct Admins;

impl Policy for SignedIn {
    fn admits(_: &CurrentUser) -> bool {
        true
    }
}

impl Policy for Officers {
    fn admits(user: &CurrentUser) -> bool {
        user.roles.is_officer()
    }
}

impl Policy for InsurerOfficers {
    fn admits(user: &CurrentUser) -> bool {
        user.has(Role::InsurerOfficer)
    }
}

impl Policy for MunicipalOfficers {
    fn admits(user: &CurrentUser) -> bool {
        user.has(Role::MunicipalOfficer)
    }
}

impl Policy for FacilityWorkers {
    fn admits(user: &CurrentUser) -> bool {
        user.has(Role::FacilityAdmin) || user.has(Role::FacilityStaff)
    }
}

impl Policy for Admins {
    fn admits(user: &CurrentUser) -> bool {
        user.has(Role::Admin)
    }
}

/// Why a request is turned away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    /// Nobody is signed in: sign in, then come back.
    SignIn,
    /// Signed in, but the role can never use this page: 403.
    Forbidden,
}

fn check<P: Policy>(user: Option<&CurrentUser>) -> Result<(), Refusal> {
    match user {
        Some(u) if P::admits(u) => Ok(()),
        Some(_) => Err(Refusal::Forbidden),
        None => Err(Refusal::SignIn),
    }
}

fn check_public(_: Option<&CurrentUser>) -> Result<(), Refusal> {
    Ok(())
}

/// The signed-in person, admitted by policy `P`; without a person, a redirect to sign in; anyone else, 403.
#[derive(Clone, Debug)]
pub struct Require<P>(pub CurrentUser, PhantomData<P>);

impl<P> std::ops::Deref for Require<P> {
    type Target = CurrentUser;

    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

impl<P: Policy> FromRequest for Require<P> {
    type Error = actix_web::Error;
    type Future = Ready<Result<Require<P>, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user = req.extensions().get::<CurrentUser>().cloned();
        ready(match check::<P>(user.as_ref()) {
            Ok(()) => Ok(Require(user.expect("admitted people are signed in"), PhantomData)),
            Err(Refusal::Forbidden) => Err(AppError::Forbidden.into()),
            Err(Refusal::SignIn) => Err(sign_in_redirect(req)),
        })
    }
}

impl Require<InsurerOfficers> {
    /// The insurers this officer works for (at least one).
    pub fn insurers(&self) -> Vec<&str> {
        self.0.roles.organisations(Role::InsurerOfficer)
    }
}

impl Require<MunicipalOfficers> {
    /// The municipalities this officer works for (at least one).
    pub fn municipalities(&self) -> Vec<&str> {
        self.0.roles.organisations(Role::MunicipalOfficer)
    }
}

impl Require<FacilityWorkers> {
    /// The facilities this person works for (at least one), each once.
    pub fn facilities(&self) -> Vec<&str> {
        let mut all = self.0.roles.organisations(Role::FacilityAdmin);
        all.extend(self.0.roles.organisations(Role::FacilityStaff));
        all.sort_unstable();
        all.dedup();
        all
    }
}

/// Every route of the application, by policy. Journeys add theirs with `routes.public()` or
/// `routes.require::<P>()`, then `.route("/path", web::get().to(handler))` as on an actix scope.
#[derive(Default)]
pub struct Routes {
    groups: Vec<Group>,
}

/// The routes of one policy.
pub struct Group {
    policy: TypeId,
    name: &'static str,
    check: fn(Option<&CurrentUser>) -> Result<(), Refusal>,
    routes: Vec<(&'static str, Route)>,
}

impl Group {
    pub fn route(&mut self, path: &'static str, route: Route) -> &mut Group {
        self.routes.push((path, route));
        self
    }
}

impl Routes {
    /// Routes anyone may use, signed in or not.
    pub fn public(&mut self) -> &mut Group {
        self.group(TypeId::of::<()>(), "public", check_public)
    }

    /// Routes only people admitted by `P` may use.
    pub fn require<P: Policy>(&mut self) -> &mut Group {
        self.group(TypeId::of::<P>(), std::any::type_name::<P>(), check::<P>)
    }

    fn group(
        &mut self,
        policy: TypeId,
        name: &'static str,
        check: fn(Option<&CurrentUser>) -> Result<(), Refusal>,
    ) -> &mut Group {
        let i = match self.groups.iter().position(|g| g.policy == policy) {
            Some(i) => i,
            None => {
                self.groups.push(Group { policy, name, check, routes: Vec::new() });
                self.groups.len() - 1
            }
        };
        &mut self.groups[i]
    }

    /// One scope per policy. Panics if two policies answer the same path: which one applies would then depend on
    /// the order of registration.
    pub fn register(self, cfg: &mut web::ServiceConfig) {
        if let Some((a, b)) = self.shared_path() {
            panic!("{a} and {b} may answer the same path under two policies: give them distinct patterns");
        }
        for group in self.groups {
            cfg.service(group.into_scope());
        }
    }

    /// A pair of routes in different groups whose patterns can match one path.
    fn shared_path(&self) -> Option<(String, String)> {
        for (i, a) in self.groups.iter().enumerate() {
            for b in &self.groups[i + 1..] {
                for (pa, _) in &a.routes {
                    if let Some((pb, _)) = b.routes.iter().find(|(pb, _)| may_overlap(pa, pb)) {
                        return Some((format!("{pa} ({})", a.name), format!("{pb} ({})", b.name)));
                    }
                }
            }
        }
        None
    }
}

impl Group {
    fn into_scope(
        self,
    ) -> actix_web::Scope<
        impl actix_web::dev::ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<impl MessageBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    > {
        let mut routes = self.routes;
        // Stable: GET and POST of one pattern keep their order, which does not matter either.
        routes.sort_by_key(|(path, _)| specificity(path));
        let own_paths = OwnPaths(routes.iter().map(|(path, _)| ResourceDef::new(*path)).collect());
        let mut scope = web::scope("").guard(own_paths);
        for (path, route) in routes {
            scope = scope.route(path, route);
        }
        let check = self.check;
        scope.wrap(from_fn(move |req: ServiceRequest, next: Next<actix_web::body::BoxBody>| enforce(check, req, next)))
    }
}

/// The scope of a group takes a request only when one of its patterns matches the path (as the router reads
/// it), so scopes without a prefix can sit side by side.
struct OwnPaths(Vec<ResourceDef>);

impl Guard for OwnPaths {
    fn check(&self, ctx: &GuardContext<'_>) -> bool {
        let url = Url::new(ctx.head().uri.clone());
        self.0.iter().any(|def| def.is_match(url.path()))
    }
}

async fn enforce(
    check: fn(Option<&CurrentUser>) -> Result<(), Refusal>,
    req: ServiceRequest,
    next: Next<actix_web::body::BoxBody>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let verdict = check(req.extensions().get::<CurrentUser>());
    match verdict {
        Ok(()) => next.call(req).await,
        // Answered as a response, not an error: the error-page middleware turns it into a page.
        Err(Refusal::Forbidden) => Ok(req.error_response(AppError::Forbidden)),
        Err(Refusal::SignIn) => {
            let redirect = sign_in_redirect(req.request());
            Ok(req.error_response(redirect))
        }
    }
}

/// Sorts fixed segments before placeholders, segment by segment: `/certificates/issued/{id}` before
/// `/certificates/{id}/{step}`, `/certificates/{id}/check` before `/certificates/{id}/{step}`.
fn specificity(path: &str) -> Vec<bool> {
    segments(path).map(is_placeholder).collect()
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.trim_start_matches('/').split('/')
}

fn is_placeholder(segment: &str) -> bool {
    segment.starts_with('{')
}

/// Whether some path matches both patterns (placeholders stand for one whole segment).
fn may_overlap(a: &str, b: &str) -> bool {
    segments(a).count() == segments(b).count()
        && segments(a).zip(segments(b)).all(|(x, y)| x == y || is_placeholder(x) || is_placeholder(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_segments_are_tried_before_placeholders() {
        let mut paths = vec![
            "/certificates/{id}/{step}",
            "/certificates/{id}/check",
            "/certificates/issued/{id}",
            "/certificates/new",
            "/certificates/issued/{id}/auto-renew",
        ];
        paths.sort_by_key(|p| specificity(p));
        assert_eq!(
            paths,
            [
                "/certificates/new",
                "/certificates/issued/{id}",
                "/certificates/issued/{id}/auto-renew",
                "/certificates/{id}/check",
                "/certificates/{id}/{step}",
            ]
        );
    }

    #[test]
    fn patterns_overlap_when_every_segment_may_be_the_same() {
        assert!(may_overlap("/certificates/issued/{id}", "/certificates/{id}/{step}"));
        assert!(may_overlap("/office", "/office"));
        assert!(!may_overlap("/certificates", "/certificates/{id}/{step}"));
        assert!(!may_overlap("/office/runs/{id}", "/office/enrolments/{id}"));
    }

    fn someone_with(roles: &[(&str, &str)]) -> CurrentUser {
        let rows: Vec<crate::store::accounts::RoleRow> = roles
            .iter()
            .map(|(role, organisation)| crate::store::accounts::RoleRow {
                role: role.to_string(),
                organisation_id: organisation.to_string(),
            })
            .collect();
        CurrentUser {
            person: crate::store::accounts::PersonRow {
                id: "p-someone".into(),
                name: "x".into(),
                name_kana: "x".into(),
                birth_date: "1980-01-01".into(),
                email: None,
                preferred_locale: "ja".into(),
                municipality_id: None,
                webauthn_id: None,
            },
            roles: crate::accounts::Roles::from_rows(&rows),
            token_hash: String::new(),
            acting_for: None,
            wards: Vec::new(),
        }
    }

    /// A handler in the officers' group that takes no extractor at all is still refused to everyone else.
    #[actix_web::test]
    async fn a_route_in_the_officers_group_is_guarded_without_an_extractor() {
        use actix_web::test::{TestRequest, call_service, init_service};
        let mut routes = Routes::default();
        routes.require::<Officers>().route("/office/unguarded", web::get().to(|| async { "officer business" }));
        routes.require::<InsurerOfficers>().route("/office/insurer-only", web::get().to(|| async { "insurer" }));
        routes.public().route("/open", web::get().to(|| async { "open" }));
        let app = init_service(
            actix_web::App::new()
                .wrap(from_fn(|req: ServiceRequest, next: Next<_>| async move {
                    let roles: &[(&str, &str)] = match req.headers().get("x-test-as").and_then(|v| v.to_str().ok()) {
                        Some("resident") => &[("resident", "")],
                        Some("municipal") => &[("municipal_officer", "mun-a")],
                        Some("insurer") => &[("insurer_officer", "ins-a")],
                        _ => &[],
                    };
                    if !roles.is_empty() {
                        req.extensions_mut().insert(someone_with(roles));
                    }
                    next.call(req).await
                }))
                .configure(|cfg| routes.register(cfg)),
        )
        .await;
        let status = |who: &'static str, path: &'static str| {
            let req = TestRequest::get().uri(path).insert_header(("x-test-as", who)).to_request();
            let app = &app;
            async move { call_service(app, req).await.status().as_u16() }
        };
        assert_eq!(status("nobody", "/office/unguarded").await, 303, "sent to sign in");
        assert_eq!(status("resident", "/office/unguarded").await, 403);
        assert_eq!(status("municipal", "/office/unguarded").await, 200);
        assert_eq!(status("insurer", "/office/unguarded").await, 200);
        assert_eq!(status("municipal", "/office/insurer-only").await, 403);
        assert_eq!(status("insurer", "/office/insurer-only").await, 200);
        assert_eq!(status("nobody", "/open").await, 200, "groups without a prefix sit side by side");
        assert_eq!(status("nobody", "/elsewhere").await, 404, "no group takes a path it does not have");
    }

    #[test]
    #[should_panic(expected = "under two policies")]
    fn two_policies_may_not_answer_one_path() {
        let mut routes = Routes::default();
        routes.public().route("/certificates/{id}", web::get().to(|| async { "public" }));
        routes.require::<SignedIn>().route("/certificates/new", web::get().to(|| async { "signed in" }));
        let _ = actix_web::App::new().configure(|cfg| routes.register(cfg));
    }
}
