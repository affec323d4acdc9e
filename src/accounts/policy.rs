//! The numbers behind sign-in, in one place.

pub const MINUTE_MS: i64 = 60_000;

/// A one-time code works for 10 minutes, once, and for at most 5 tries.
pub const CODE_LIFETIME_MS: i64 = 10 * MINUTE_MS;
pub const CODE_MAX_ATTEMPTS: i64 = 5;

/// Codes sent to one address from one client: 5 an hour; to one address from all clients together: 15 an hour
/// (so someone else asking for my address from their client does not stop me asking from mine, unless many
/// clients do). Requests from one client, whatever the address: 20 an hour.
pub const CODES_PER_ADDRESS_AND_CLIENT_PER_HOUR: i64 = 5;
pub const CODES_PER_ADDRESS_PER_HOUR: i64 = 15;
pub const CODE_REQUESTS_PER_CLIENT_PER_HOUR: i64 = 20;
/// Sign-in attempts (codes typed, passkeys presented) from one client: 30 in 15 minutes.
pub const SIGN_IN_ATTEMPTS_PER_CLIENT: i64 = 30;
pub const SIGN_IN_WINDOW_MS: i64 = 15 * MINUTE_MS;

/// Sessions end after 30 idle minutes, and after 12 hours whatever happens.
pub const SESSION_IDLE_MS: i64 = 30 * MINUTE_MS;
pub const SESSION_ABSOLUTE_MS: i64 = 12 * 60 * MINUTE_MS;

/// A passkey ceremony must be finished within 5 minutes.
pub const CEREMONY_LIFETIME_MS: i64 = 5 * MINUTE_MS;

/// Invitations for officers and facility staff: 24 hours, used once.
pub const INVITATION_LIFETIME_MS: i64 = 24 * 60 * MINUTE_MS;
pub const INVITATION_LIFETIME_HOURS: i64 = 24;

/// A verified address waiting for its account to be created: 30 minutes.
pub const SIGN_UP_WINDOW_MS: i64 = 30 * MINUTE_MS;
