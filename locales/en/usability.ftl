# The usability pass: contact details, the status letter's phone number, ended certificates, the account's language.

contact-demo-note = This is a demonstration: the phone numbers, address and opening hours on this page are made up.
contact-phone-line = Aoba City My Number help line (free to call):
contact-counter-where = Citizens’ Affairs counter, 1st floor, Aoba City Office, 1-1 Chuo, Aoba City.
contact-counter-hours = Open Monday to Friday, 8:30 am to 5:15 pm. Closed on public holidays and from 29 December to 3 January.
contact-bring-heading = What to bring to the counter
contact-bring-card = your My Number Card, if you have one
contact-bring-insurance = your health insurance card or qualification certificate, if you have one
contact-bring-id = if you have no My Number Card: an identity document with your photo, such as a driving licence, passport or residence card
contact-bring-proxy = if you come for someone else: the letter of authority, and your own identity document
contact-insurers-heading = Your health insurer
contact-insurers-lead = For questions about your insurance or your qualification certificate, you can also call your insurer:

doc-letter-phone = If you have questions, call Aoba City’s My Number help line: { $phone } (free, Monday to Friday, 8:30 am to 5:15 pm).

cert-ended-expired = This certificate has expired. You cannot use it at the clinic any more.
cert-ended-revoked = This certificate has been replaced by a newer one. You cannot use it at the clinic any more.
cert-ended-newer = Open the newer certificate
cert-ended-ask-new = Ask for a new qualification certificate

account-birth-date = Date of birth
account-language = Language
account-language-hint = Pages and e-mails to you are in this language.
account-language-change = Change to { $language }

usability-wait-heading = Until it arrives
usability-wait-post = The certificate comes by post about a week after your insurer decides.
usability-wait-download = As soon as your insurer decides, you can download the certificate from this page.
usability-wait-clinic = If you see a doctor before it arrives, tell the reception that you have asked for a qualification certificate. If your My Number Card is registered as your health insurance card, show the card. If you have to pay the full cost, you can ask your insurer to pay back its share later.
usability-wait-call = Questions about this request? Call
usability-withdraw-lead = If you no longer need the certificate, you can withdraw the request.
usability-withdraw-link = Withdraw this request
usability-withdraw-heading = Withdraw this request?
usability-withdraw-what = If you withdraw it, your insurer stops working on it. A withdrawn request cannot be taken back.
usability-withdraw-again = You can ask again whenever you need a certificate.
usability-withdraw-confirm = Withdraw the request
usability-withdraw-keep = Keep the request and go back
usability-withdraw-draft-lead = If you do not want to send it, you can give up this request.
usability-withdraw-draft-link = Give up without sending

usability-need-heading = Do you need a certificate?
usability-need-not-needed = You do not need a certificate now. Your My Number Card is registered as your health insurance card with { $insurer }. Show the card at the clinic. You will need a certificate if one of the cases below happens to you, for example if you lose your card.
usability-need-not-yet-registered = Your My Number Card is registered as your health insurance card, but { $insurer } has not finished registering you yet. Until it has, you can ask for a certificate.
usability-need-card-not-registered = Your My Number Card is not registered as your health insurance card with { $insurer }. To use your insurance at the clinic, you need a certificate.

usability-check-numbers-heading = The numbers differ from your insurer’s record
usability-check-numbers-lead = Your insurer’s record gives these numbers, which are not the ones you typed. Check them against your insurance card or your insurer’s letters.
usability-check-numbers-change = Correct the symbol, number and branch number
usability-check-open-heading = A request to the same insurer is not finished yet
usability-check-open-lead = There is already a request for this person to the same insurer. Until it is finished, you may not need another one.

usability-error-summary-missing = Some answers are missing
