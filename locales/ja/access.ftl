# The access policy (src/access/): messages about who may act for whom.

access-error-for-whom-not-covered = この人の資格確認書を申請する権限は、今日はありません。申請する人を選び直してください
access-log-action-resident-left = 施設を退所したことを記録しました
access-facility-left = { $name } さんの退所を記録する
