#!/usr/bin/env bash
# Writes keyhole(1) in roff from the built binary's --help output, so the man page never
# drifts from the CLI: every command and subcommand's help, verbatim, under COMMANDS.
# Usage: scripts/gen_manpage.sh path/to/keyhole OUTPUT.1
set -euo pipefail
bin="$1"
out="$2"

# Help text as a roff no-fill block: backslashes escaped, lines that would start with a
# control character (. or ') protected.
verbatim() {
  printf '.nf\n'
  sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
  printf '.fi\n'
}

# The subcommands listed under "Subcommands:" in a help text.
subcommands() {
  awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1; next } on && !/^  / { on = 0 }'
}

# Sections for `keyhole $*` and, recursively, its subcommands.
command_section() {
  local help
  help="$("$bin" "$@" --help)"
  printf '.SS "keyhole %s"\n' "$*"
  printf '%s\n' "$help" | verbatim
  local sub
  for sub in $(printf '%s\n' "$help" | subcommands); do
    command_section "$@" "$sub"
  done
}

version="$("$bin" --version)"
top="$("$bin" --help)"
summary="$(printf '%s\n' "$top" | head -n 1 | sed -e 's/^keyhole: //')"
tmp="$out.tmp"
{
  printf '.TH KEYHOLE 1 "" "%s" "User Commands"\n' "$version"
  printf '.SH NAME\nkeyhole \\- %s\n' "$summary"
  printf '.SH SYNOPSIS\n.B keyhole\n.I COMMAND\n[\\fIOPTIONS\\fR] [\\fIPATH\\fR]\n'
  printf '.SH DESCRIPTION\n'
  printf '%s\n' "$top" | sed -e '1d' | verbatim
  printf '.SH COMMANDS\n'
  for cmd in $(printf '%s\n' "$top" | subcommands); do
    command_section "$cmd"
  done
  printf '.SH EXIT STATUS\n'
  printf '.TP\n.B 0\nNo findings at or above \\fB\\-\\-fail\\-on\\fR.\n'
  printf '.TP\n.B 1\nFindings at or above \\fB\\-\\-fail\\-on\\fR.\n'
  printf '.TP\n.B 2\nUsage error, bad configuration, or an incomplete scan.\n'
  printf '.SH ENVIRONMENT\n.TP\n.B NO_COLOR\nWhen set and not empty, \\fB\\-\\-color auto\\fR does not colour.\n'
  printf '.SH FILES\n.TP\n.I .keyhole.toml\nConfiguration at the scan root (else \\fI.gitleaks.toml\\fR).\n'
  printf '.TP\n.I .keyhole-baseline.json\nThe default baseline file.\n'
  printf '.SH SEE ALSO\n.BR git (1),\n.BR pre-commit (1)\n'
} > "$tmp"
mv "$tmp" "$out"
