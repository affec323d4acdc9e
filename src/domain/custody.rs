//! The card custody log (管理簿): what happens to a resident's card a facility keeps.

/// One hand-over of a kept card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustodyEvent {
    /// The facility takes the card into safekeeping.
    TakenIn,
    /// A staff member takes it out (to a clinic, say), by whom and why.
    TakenOut,
    /// It comes back into the safe.
    Returned,
    /// The facility gives it back to the resident: it keeps it no longer.
    HandedBack,
}

/// Where the card is, after the log's last hand-over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardWhereabouts {
    /// Not kept by the facility (never taken in, or handed back).
    WithResident,
    InSafe,
    Out,
}

impl CustodyEvent {
    pub const ALL: [CustodyEvent; 4] =
        [CustodyEvent::TakenIn, CustodyEvent::TakenOut, CustodyEvent::Returned, CustodyEvent::HandedBack];

    pub fn code(self) -> &'static str {
        match self {
            CustodyEvent::TakenIn => "taken_in",
            CustodyEvent::TakenOut => "taken_out",
            CustodyEvent::Returned => "returned",
            CustodyEvent::HandedBack => "handed_back",
        }
    }

    pub fn from_code(code: &str) -> Option<CustodyEvent> {
        CustodyEvent::ALL.into_iter().find(|e| e.code() == code)
    }

    /// The message naming the event.
    pub fn label_key(self) -> &'static str {
        match self {
            CustodyEvent::TakenIn => "custody-event-taken-in",
            CustodyEvent::TakenOut => "custody-event-taken-out",
            CustodyEvent::Returned => "custody-event-returned",
            CustodyEvent::HandedBack => "custody-event-handed-back",
        }
    }

    /// Taking a card out names who carries it and why.
    pub fn needs_carrier(self) -> bool {
        self == CustodyEvent::TakenOut
    }

    /// Where the card is after this event.
    pub fn leaves(self) -> CardWhereabouts {
        match self {
            CustodyEvent::TakenIn | CustodyEvent::Returned => CardWhereabouts::InSafe,
            CustodyEvent::TakenOut => CardWhereabouts::Out,
            CustodyEvent::HandedBack => CardWhereabouts::WithResident,
        }
    }

    /// Whether this event can happen to a card that is `now` where it is: a card is taken in only from the
    /// resident, taken out or handed back only from the safe, returned only when out.
    pub fn can_follow(self, now: CardWhereabouts) -> bool {
        matches!(
            (self, now),
            (CustodyEvent::TakenIn, CardWhereabouts::WithResident)
                | (CustodyEvent::TakenOut | CustodyEvent::HandedBack, CardWhereabouts::InSafe)
                | (CustodyEvent::Returned, CardWhereabouts::Out)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for e in CustodyEvent::ALL {
            assert_eq!(CustodyEvent::from_code(e.code()), Some(e));
        }
        assert_eq!(CustodyEvent::from_code("lost"), None);
    }

    #[test]
    fn a_card_goes_in_out_back_and_home_in_order() {
        use CardWhereabouts::*;
        use CustodyEvent::*;
        let mut at = WithResident;
        for e in [TakenIn, TakenOut, Returned, HandedBack, TakenIn] {
            assert!(e.can_follow(at), "{e:?} after {at:?}");
            at = e.leaves();
        }
        assert!(!Returned.can_follow(InSafe));
        assert!(!TakenOut.can_follow(Out));
        assert!(!TakenIn.can_follow(InSafe));
        assert!(!HandedBack.can_follow(Out), "a card out is returned first");
    }
}
