#!/usr/bin/env bash
# What an identity provider does, step by step, with curl (README "Your first hour").
#   BASE=http://127.0.0.1:3000/scim/v2 TOKEN=scim_... bash examples/first-hour.sh
# Every step fails the script on an unexpected status (curl --fail-with-body).
set -euo pipefail
: "${BASE:?BASE, e.g. http://127.0.0.1:3000/scim/v2}" "${TOKEN:?TOKEN, the token npm start printed}"
USER_NAME=${USER_NAME:-ada.lovelace@example.com}
scim() { # scim METHOD PATH [BODY]
  curl -sS --fail-with-body -X "$1" "$BASE$2" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/scim+json' ${3:+--data "$3"}
  echo
}
id_of() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log(j.id??j.Resources[0].id)})'; }

echo '# 1. Does the user exist? (Okta and Entra ask before they create)'
scim GET "/Users?filter=$(node -p "encodeURIComponent('userName eq \"$USER_NAME\"')")"

echo '# 2. Create it'
CREATED=$(scim POST /Users "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],
  \"userName\":\"$USER_NAME\",\"name\":{\"givenName\":\"Ada\",\"familyName\":\"Lovelace\"},
  \"emails\":[{\"value\":\"$USER_NAME\",\"type\":\"work\",\"primary\":true}],\"active\":true}")
echo "$CREATED"
USER_ID=$(echo "$CREATED" | id_of)

echo '# 3. A group with the user as member'
GROUP=$(scim POST /Groups "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Group\"],
  \"displayName\":\"Engineering\",\"members\":[{\"value\":\"$USER_ID\"}]}")
echo "$GROUP"
GROUP_ID=$(echo "$GROUP" | id_of)

echo '# 4. Deactivate (Okta: a PATCH replace without a path)'
scim PATCH "/Users/$USER_ID" '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations":[{"op":"replace","value":{"active":false}}]}'

echo '# 5. Remove the member from the group'
scim PATCH "/Groups/$GROUP_ID" "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],
  \"Operations\":[{\"op\":\"remove\",\"path\":\"members[value eq \\\"$USER_ID\\\"]\"}]}"

echo '# 6. Delete the user and the group (204, no body)'
scim DELETE "/Users/$USER_ID"
scim DELETE "/Groups/$GROUP_ID"
echo '# 7. Gone: 404'
curl -sS -o /dev/null -w '%{http_code}\n' "$BASE/Users/$USER_ID" -H "Authorization: Bearer $TOKEN"
