# E-mails. Each kind has <kind>-subject and its paragraphs <kind>-body-1, -2, … (numbered without gaps);
# mail-footer ends every e-mail. A URL in a message becomes a link in the HTML part.
mail-footer = This e-mail was sent by Madoguchi, the My Number Card and health insurance service of Aoba City. Replies to this address are not read. To contact us, use this page: { $contact }

mail-sign-in-code-subject = Your Madoguchi sign-in code
mail-sign-in-code-body-1 = Your sign-in code is { $code }.
mail-sign-in-code-body-2 = It expires in { $minutes } minutes. Do not give this code to anyone.
mail-sign-in-code-body-3 = If you did not ask for it, ignore this e-mail: nobody can sign in without the code.

mail-invitation-subject = Invitation to Madoguchi
mail-invitation-body-1 = You have been invited to use Madoguchi as: { $role }.
mail-invitation-body-2 = To accept, open this link within { $hours } hours: { $link }
mail-invitation-body-3 = If the link has expired, ask the person who invited you to send a new one. If you did not expect this invitation, ignore this e-mail.
mail-request-update-subject = Your request { $reference }: { $state }
mail-request-update-body-1 = Your request { $reference } is now: { $state }.
mail-request-update-body-2 = { $next }
mail-request-update-body-3 = See it and its history here: { $link }

mail-representation-started-subject = Someone can now act for you on Madoguchi
mail-representation-started-body-1 = Aoba City has recorded that { $name } may act for you on Madoguchi.
mail-representation-started-body-2 = You can see who acts for you, and end it, on this page: { $link }
mail-representation-started-body-3 = If you did not agree to this, end it on that page and contact us.

mail-representation-ended-subject = Someone no longer acts for you on Madoguchi
mail-representation-ended-body-1 = { $name } no longer acts for you on Madoguchi.
mail-representation-ended-body-2 = You can see who acts for you on this page: { $link }

mail-representation-approved-subject = You can now act for { $name } on Madoguchi
mail-representation-approved-body-1 = Aoba City has approved your request: you may now act for { $name } on Madoguchi.
mail-representation-approved-body-2 = To act for them, sign in and choose their name at the top of the page: { $link }

mail-representation-declined-subject = Your request to act for { $name } was not approved
mail-representation-declined-body-1 = Aoba City did not approve your request to act for { $name } on Madoguchi.
mail-representation-declined-body-2 = Reason: { $reason }
mail-representation-declined-body-3 = You can send a new request, with the right documents, on this page: { $link }

mail-authority-ending-subject = Your authority to act for { $name } ends soon
mail-authority-ending-body-1 = Your authority to act for { $name } on Madoguchi ends on { $until }.
mail-authority-ending-body-2 = { $stops }
mail-authority-ending-body-3 = To go on acting for them, ask to renew it here: { $link }
mail-authority-ending-stops = After that day you can no longer do these for { $name }: { $kinds }.
mail-authority-ending-separator = {", "}
