# Domain value errors (src/domain). Keys: domain::all_message_keys(). One message per line.

## My Number
err-my-number-empty = Enter your 12-digit My Number (individual number)
err-my-number-length = Your My Number must be 12 digits. You entered { $count } digits
err-my-number-non-digit = Your My Number must only include numbers 0 to 9
err-my-number-check-digit = Your My Number is not correct. Check the 12 digits on the back of your card and enter them again
err-my-number-all-zeros = Enter the 12-digit My Number shown on the back of your card

## Insurer number
err-insurer-number-empty = Enter the insurer number (保険者番号) shown on your eligibility certificate
err-insurer-number-length = The insurer number must be 6 or 8 digits. You entered { $count } digits
err-insurer-number-non-digit = The insurer number must only include numbers 0 to 9
err-insurer-number-check-digit = The insurer number is not correct. Check it on your eligibility certificate and enter it again

## Insured symbol, number and branch number
err-insured-symbol-empty = Enter the symbol (記号) shown on your eligibility certificate
err-insured-symbol-too-long = The symbol must be { $max } characters or fewer
err-insured-symbol-invalid-character = The symbol contains a character that cannot be used. Enter the symbol and the number in their own boxes
err-insured-symbol-kyokai-digits = For Japan Health Insurance Association (協会けんぽ) insurance, the symbol must be 7 or 8 digits
err-insured-symbol-not-allowed = Medical care for the late-stage elderly (後期高齢者医療) has no symbol. Leave the symbol box empty
err-insured-number-empty = Enter the number (番号) shown on your eligibility certificate
err-insured-number-too-long = The number must be { $max } characters or fewer
err-insured-number-invalid-character = The number contains a character that cannot be used. Enter the symbol and the number in their own boxes
err-insured-number-late-elderly-digits = For medical care for the late-stage elderly, the insured number must be 8 digits
err-insured-number-check-digit = The insured number is not correct. Check it on your eligibility certificate and enter it again
err-insured-branch-format = The branch number (枝番) must be 2 digits, like 01. Leave it empty if your certificate does not show one
err-insured-identity-format = Enter the symbol, the number and the branch number in their own boxes

## Dates
err-date-empty = Enter a date
err-date-format = Enter the date as year, month and day, for example 1985-01-02 or 昭和60年1月2日
err-date-year-missing = The date must include a year
err-date-month-missing = The date must include a month
err-date-day-missing = The date must include a day
err-date-year-invalid = The year must be a number. A Japanese era year has 1 or 2 digits
err-date-year-four-digits = The year must include 4 numbers, or choose a Japanese era
err-date-month-invalid = The month must be a number from 1 to 12
err-date-day-invalid = The day must be a number from 1 to 31
err-date-not-real = The date must be a real date
err-date-era-unknown = Choose an era: Meiji, Taisho, Showa, Heisei or Reiwa
err-date-era-year-zero = There is no year 0 in a Japanese era. The first year of an era is 1
err-date-before-era-start = That date is before the { $era_en } era began. Did you mean { $suggestion_en }? Check the era and the year
err-date-after-era-end = The { $era_en } era had ended by that date. Did you mean { $suggestion_en }? Check the era and the year
err-date-too-early = The date must be on or after 1 January 1873
err-date-year-mismatch = The era year and the western year do not match. Check the year

## Name and reading
err-person-name-empty = Enter your full name
err-person-name-too-long = Your name must be { $max } characters or fewer
err-person-name-control-character = Your name contains a hidden character that cannot be used. Type your name again
err-furigana-empty = Enter the reading of your name in katakana (フリガナ)
err-furigana-too-long = The reading of your name must be { $max } characters or fewer
err-furigana-not-katakana = Enter the reading of your name in katakana only. “{ $character }” cannot be used

## Postcode, phone and email
err-postal-code-empty = Enter a postcode
err-postal-code-length = The postcode must be 7 digits, like 123-4567. You entered { $count } digits
err-postal-code-non-digit = The postcode must only include numbers, like 123-4567
err-phone-number-empty = Enter a phone number
err-phone-number-non-digit = Enter a phone number using numbers and hyphens only, like 090-1234-5678
err-phone-number-length = Enter a phone number with 10 or 11 digits, including the area code, like 03-1234-5678
err-phone-number-leading-zero = Enter a phone number that starts with 0, including the area code
err-phone-number-not-japanese = Enter a Japanese phone number
err-email-empty = Enter an email address
err-email-missing-at = Enter an email address in the correct format, like name@example.jp
err-email-multiple-at = An email address must only include one @
err-email-local-part-empty = Enter the part of the email address before the @
err-email-local-part-too-long = The part of the email address before the @ must be { $max } characters or fewer
err-email-invalid-domain = Enter the part of the email address after the @ in the correct format, like example.jp
err-email-contains-space = The email address must not include spaces
err-email-too-long = The email address must be { $max } characters or fewer
err-reference-empty = Enter your reference number
err-reference-format = Enter the reference number as it is written, like R-7K3F-9Q2X-M
err-reference-check = This reference number is not right. Check each character and try again
err-proxy-relationship-missing = Choose how you are related to the person
err-proxy-reason-missing = Choose why the person cannot do it themselves
err-proxy-not-born = The date of birth is after today. Check the date of birth
err-proxy-parent-of-adult = A parent acts only for a child under 18; the person is { $age }. Choose another relationship
err-proxy-needs-guardian = This reason needs an adult guardian (成年後見人, 保佐人 or 補助人). Choose “Adult guardian” or another reason
err-proxy-needs-parent = This reason needs a parent or other legal representative. Choose “Parent” or another reason
err-proxy-child-too-old = The person ({ $age }) is older than junior-high-school age. Choose another reason
err-proxy-too-young-for-75 = The person is { $age }, so the reason “aged 75 or over” does not apply. Choose another reason
err-proxy-going-out = For people aged 75 or over, confirm that going out is difficult for them
err-proxy-scope-missing = Choose at least one kind of request
err-proxy-end-date-missing = Enter the date your authority ends
err-proxy-end-date-past = The end date must be today or later
err-proxy-end-date-too-far = The end date must be within { $years } years, on or before { $latest }

err-email-invalid-character = Enter only the email address, like name@example.jp, without a name, brackets, quotes or commas
err-person-name-digit = A name must not include numbers
err-free-text-hidden-character = This text includes hidden control characters (often copied along with pasted text). Type it again without them
