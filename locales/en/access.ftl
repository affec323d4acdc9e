# The access policy (src/access/): messages about who may act for whom.

access-error-for-whom-not-covered = You may not ask for a certificate for this person today. Choose who the certificate is for again
access-log-action-resident-left = recorded that you left the facility
access-facility-left = Record that { $name } has left the facility
