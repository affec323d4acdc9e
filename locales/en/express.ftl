# Express card issuance (特急発行)
express-not-eligible-future = This date is after today. Enter a date that has already happened.
express-not-eligible-window = The last day to ask for express issuance was { $last_day }. Express issuance must be asked for within 30 days of the event (for a child under one, before their first birthday). Please use the normal application instead (it takes one to two months).
express-not-eligible-card-issued = A card has already been issued since that date. Express issuance is only for the first card after it. Please use the normal application instead.
