#!/usr/bin/env bash
# Rebuild the sample ledger at this repository's top level by running `coc` itself, as the
# fictional council would, in a scratch repository; then copy the ledger files here.
# Everyone in it is fictional. Usage: bash scripts/build-sample-ledger.sh
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ledger="$work/ledger"
export GIT_CONFIG_NOSYSTEM=1 HOME="$work" GIT_COMMITTER_NAME="Sample Council" GIT_COMMITTER_EMAIL=council@example.org
git config --global user.name "Sample Council"
git config --global user.email council@example.org
git config --global init.defaultBranch main

as() {  # as ACTOR coc ARGS... : run one action as a council member (the git author)
  local actor="$1"; shift
  GIT_AUTHOR_NAME="$actor" GIT_AUTHOR_EMAIL="$actor@example.org" coc -C "$ledger" "$@" >/dev/null
}

GIT_AUTHOR_EMAIL=alice@example.org coc init "$ledger" --lead alice --name "Alice Ashdown" \
  --email alice@example.org --community "Example Community" >/dev/null
sed -i 's/^contact: .*/contact: "conduct@example.org"/' "$ledger/policy.yaml"
git -C "$ledger" commit -qam "policy: contact address" --trailer "Coc-Action: policy edit" --trailer "Coc-Actor: alice"

S=2025-01-06
as alice person add bob --name "Bob Brightwater" --email bob@example.org --at $S
as alice person add carol --name "Carol Castellano" --email carol@example.org --at $S
as alice person add dan --name "Dan Delacroix" --email dan@example.org --at $S
as alice person add erin --name "Erin Eastwood" --email erin@example.org --at $S
for m in bob carol dan erin; do as alice council add "$m" --at $S; done
as alice person add frank --name "Frank Fictional" --handle forum:@frankf --handle slack:@frank --at $S
as alice person add gina --name "Gina Imaginary" --handle forum:@gina --at $S
as alice person add hank --name "Hank Hypothetical" --handle slack:@hank --at $S
as alice person add ivy --name "Ivy Invented" --handle slack:@ivy --at $S
as alice person add jules --name "Jules Madeup" --handle slack:@jules --handle github:jules-madeup --at $S
as alice person add kim --name "Kim Notreal" --handle forum:@kim --at $S
for d in 2025-03-13 2025-04-10 2026-04-09 2026-12-03; do as bob meeting add $d --at $S; done
as bob meeting add 2026-05-08 --extraordinary --at 2026-05-06

# Case 1: a public insult; the warning's apology is refused, escalated to a 3-month ban,
# appealed and upheld; the ban ends and the member is reinstated; the case is closed.
as alice report new --respondent frank --reporter gina --witness hank --setting public \
  --category personal-insults --occurred-on 2025-03-01 --received-at 2025-03-03T10:00:00Z \
  --summary "Fictional sample: repeated insults in a public forum thread." --at 2025-03-03T10:05:00Z
C1=COC-2025-0001
as alice report notify-council $C1 --at 2025-03-03T15:00:00Z
as bob committee form $C1 --member bob --member carol --member dan --at 2025-03-04T09:00:00Z
as alice report share $C1 --at 2025-03-04T12:00:00Z
as alice report respond $C1 --at 2025-03-07T08:00:00Z
as bob report review $C1 --meeting 2025-03-13 --at 2025-03-13T18:00:00Z
as bob sanction propose $C1 --at 2025-03-13T18:30:00Z
as bob sanction enact S-2025-0001 --at 2025-03-13T18:40:00Z
as bob notify $C1 --party offender --at 2025-03-14T09:00:00Z
as bob notify $C1 --party offended --at 2025-03-14T09:10:00Z
as carol apology record S-2025-0001 --refused --conduct "Repeated personal attacks following a formal warning" --at 2025-03-21T10:00:00Z
as carol notify $C1 --party offender --at 2025-03-21T11:00:00Z
as carol notify $C1 --party offended --at 2025-03-21T11:10:00Z
as alice appeal file S-2025-0002 --reason "Fictional sample: the member asks for a shorter ban." --at 2025-03-25T09:00:00Z
as bob appeal decide S-2025-0002 --upheld --at 2025-04-10T19:00:00Z
as bob notify $C1 --party offender --at 2025-04-11T09:00:00Z
as bob notify $C1 --party offended --at 2025-04-11T09:10:00Z
as bob notify $C1 --party offender --at 2025-06-21T09:00:00Z
as bob case close $C1 --at 2025-06-21T09:30:00Z

# Case 2: doxing in a private channel, serious: reviewed at an extraordinary meeting and, by a
# reasoned deviation from the ladder, a 12-month ban on a first offence. Active: published.
as erin report new --respondent jules --reporter ivy --setting private --category doxing --serious \
  --occurred-on 2026-05-01 --received-at 2026-05-02T08:00:00Z \
  --summary "Fictional sample: posted another member's home address in a private channel." --at 2026-05-02T08:30:00Z
C2=COC-2026-0001
as erin report notify-council $C2 --at 2026-05-02T09:00:00Z
as bob committee form $C2 --member bob --member carol --member dan --at 2026-05-02T12:00:00Z
as erin report share $C2 --at 2026-05-03T10:00:00Z
as bob report review $C2 --meeting 2026-05-08 --at 2026-05-08T18:00:00Z
as bob sanction propose $C2 --kind ban --duration "12 months" \
  --deviation-reason "Doxing endangers a member's safety: the council skips the warning." \
  --conduct "Posted another member's personal information" --at 2026-05-08T18:30:00Z
as bob sanction enact S-2026-0001 --at 2026-05-08T18:40:00Z
as bob notify $C2 --party offender --at 2026-05-09T09:00:00Z
as bob notify $C2 --party offended --at 2026-05-09T09:10:00Z
as bob case close $C2 --at 2026-05-09T10:00:00Z

# Case 3: just received; the council was told, the committee formed, the report shared.
as alice report new --respondent hank --reporter kim --setting public --category sustained-disruption \
  --occurred-on 2026-11-18 --received-at 2026-11-19T14:00:00Z \
  --summary "Fictional sample: talked over speakers throughout an online meetup." --at 2026-11-19T14:10:00Z
C3=COC-2026-0002
as alice report notify-council $C3 --at 2026-11-19T16:00:00Z
as carol committee form $C3 --member carol --member dan --member erin --at 2026-11-20T09:00:00Z
as alice report share $C3 --at 2026-11-20T10:00:00Z

coc -C "$ledger" validate >/dev/null
cd "$here"
rm -rf cases templates schemas
cp -r "$ledger/cases" "$ledger/templates" "$ledger/schemas" .
cp "$ledger/policy.yaml" "$ledger/people.yaml" "$ledger/sanctions.yaml" .
echo "sample ledger rebuilt: $(git -C "$ledger" rev-list --count HEAD) actions"
