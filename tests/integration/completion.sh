#!/bin/bash
# The bash completion of mcmigctl (agent/mcmigctl.bash-completion), sourced in
# a plain bash as bash would call it: commands, card's subcommands, the
# options of migrate; and nothing mcmigctl lists (help, each --help) missing.
. "$(dirname "$0")/../lib.sh"
t_init completion

CTL=$T_BUILD/bin/mcmigctl
COMPLETION=$T_TOP/agent/mcmigctl.bash-completion
[ -x "$CTL" ] || t_abort "$CTL built"

# complete LINE: what TAB offers at the end of LINE, sorted, one per line.
complete_line() {
	bash -c '
		. "$1" || exit 1
		[ "$(complete -p mcmigctl)" = "complete -F _mcmigctl mcmigctl" ] || exit 1
		read -ra COMP_WORDS <<<"$2"
		[[ $2 == *" " ]] && COMP_WORDS+=("")
		COMP_LINE=$2 COMP_POINT=${#2} COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_mcmigctl mcmigctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' - "$COMPLETION" "$1" | sort
}

# offers LINE EXPECTED...: TAB after LINE offers exactly EXPECTED.
offers() {
	local line=$1 got want
	shift
	got=$(complete_line "$line" | xargs)
	want=$(printf '%s\n' "$@" | sort | xargs)
	t_check "'$line<TAB>' offers: $want (got: $got)" test "$got" = "$want"
}

offers "mcmigctl mi" migrate
offers "mcmigctl re" register return
offers "mcmigctl card " auth info
offers "mcmigctl migrate --" --fetch-only --help --json --partner --session --timeout
offers "mcmigctl migrate --t" --timeout
offers "mcmigctl migrate --partner " ""
offers "mcmigctl register --transport " tcp udp
offers "mcmigctl watch --j" --json
offers "mcmigctl ch" check
offers "mcmigctl check --" --config --help --json --session --timeout

# Every command mcmigctl lists is completed, and every option its --help names.
commands=$("$CTL" help | sed -n 's/^  \([a-z]*\) .*/\1/p')
[ -n "$commands" ] || t_abort "mcmigctl help lists its commands"
missing=$(comm -23 <(sort <<<"$commands") <(complete_line "mcmigctl ") | xargs)
t_check "every command of 'mcmigctl help' is completed${missing:+ (missing: $missing)}" \
	test -z "$missing"
for cmd in $commands; do
	case $cmd in help | version) continue ;; esac
	sub=
	[ "$cmd" = card ] && sub=info
	opts=$("$CTL" $cmd --help 2>&1 | grep -o -- '--[a-z-]*' | sort -u)
	missing=$(comm -23 <(echo "$opts") <(complete_line "mcmigctl $cmd $sub --") | xargs)
	t_check "$cmd: every option of its --help is completed${missing:+ (missing: $missing)}" \
		test -z "$missing"
done
t_done
