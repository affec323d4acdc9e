# The access policy (src/access/): messages about who may act for whom.

access-error-for-whom-not-covered = [今日|きょう]は この [人|ひと]の [資格確認書|しかくかくにんしょ]を たのむ ことが できません。 だれの [資格確認書|しかくかくにんしょ]か もう いちど えらんで ください
access-log-action-resident-left = あなたが [施設|しせつ]を [出|で]た ことを [記録|きろく]しました
access-facility-left = { $name } さんが [施設|しせつ]を [出|で]た ことを [記録|きろく]する
