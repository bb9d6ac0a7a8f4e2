#include "cli/app.h"

#include <cstdio>
#include <exception>
#include <functional>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/output.h"

namespace keyhole::cli {

namespace {

constexpr const char* kMainFooter = R"(
Examples:
  keyhole scan                      scan the current directory
  keyhole scan --staged             what a commit adds (the pre-commit hook runs this)
  keyhole hook install              refuse commits that add secrets in this repository
  keyhole rules explain jwt         what a rule finds and how to fix it

Run `keyhole COMMAND --help` for a command's options and examples.)";

constexpr const char* kScanExamples = R"(
Examples:
  keyhole scan                              scan the working tree (honours .gitignore)
  keyhole scan --staged                     pre-commit: only what the commit adds
  keyhole scan --diff origin/main..HEAD     CI gate: only what the branch adds
  keyhole scan --history                    every blob in every branch, tag and stash
  keyhole scan --format sarif -o k.sarif    for GitHub code scanning
  cat file | keyhole scan -                 scan standard input

Exit codes: 0 no findings, 1 findings at or above --fail-on, 2 error or incomplete scan.
Environment: NO_COLOR disables colour in --color auto.)";

constexpr const char* kRulesExamples = R"(
Examples:
  keyhole rules list                        id, category, severity and gate of every rule
  keyhole rules list --format json          the same, for scripts
  keyhole rules check -c .keyhole.toml      test your own rules' examples
  keyhole rules explain github-pat          description, examples and remediation)";

constexpr const char* kBaselineExamples = R"(
Examples:
  keyhole baseline create                   accept today's findings (.keyhole-baseline.json)
  keyhole scan --baseline .keyhole-baseline.json   report only new findings
  keyhole baseline prune                    drop entries whose secret is gone)";

constexpr const char* kHookExamples = R"(
Examples:
  keyhole hook install                      refuse commits that add secrets
  keyhole hook install --force              replace an existing pre-commit hook
  keyhole hook uninstall                    remove it again (only a hook keyhole wrote)

The hook runs `keyhole scan --staged`. Bypass it once with `git commit --no-verify`.
With the pre-commit framework, use the `keyhole` hook from .pre-commit-hooks.yaml instead.)";

void AddScanOptions(CLI::App* cmd, ScanArgs& a) {
  cmd->add_option("path", a.path, "Directory, file, or - for stdin (default: .)")->type_name("PATH");
  cmd->add_flag("--history", a.history, "Scan every blob reachable from the repository's refs");
  cmd->add_option("--branch", a.branches, "With --history: only these refs (repeatable)")->type_name("REF");
  cmd->add_flag("--all", a.all, "With --history: every ref (default)");
  cmd->add_flag("--staged", a.staged, "Scan staged changes against HEAD (pre-commit)");
  cmd->add_option("--diff", a.diff, "Scan what a revision range adds: BASE..HEAD, or BASE")
      ->type_name("RANGE")
      ->each([&a](const std::string&) { a.diff_given = true; });  // `--diff ""` is an error, not a directory scan
  cmd->add_option("-c,--config", a.config, "Config file (default: .keyhole.toml or .gitleaks.toml at the root)")
      ->type_name("FILE");
  cmd->add_option("-f,--format", a.format, "Output format (default: text)")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"text", "json", "jsonl", "sarif"}));
  cmd->add_option("-o,--output", a.output, "Write the report to FILE (mode 0600) instead of stdout")
      ->type_name("FILE");
  cmd->add_flag("--show-secrets", a.show_secrets, "Print secrets in full (default: a short preview)");
  cmd->add_option("--fail-on", a.fail_on, "Lowest severity that makes the exit code 1 (default: low)")
      ->type_name("SEVERITY")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "info"}));
  cmd->add_option("--baseline", a.baseline, "Suppress findings listed in this baseline (keyhole or gitleaks JSON)")
      ->type_name("FILE");
  cmd->add_option("-j,--threads", a.threads, "Worker threads (default: one per core)")
      ->type_name("N")
      ->check(CLI::Range(0, 256));
  cmd->add_option("--max-file-size", a.max_file_size, "Skip (and count) files larger than BYTES (default: 50 MiB)")
      ->type_name("BYTES");
  // Below 1 KiB ordinary source lines would be windowed for no gain (a window is ±4 KiB);
  // 1 GiB already means "never window" (files over 50 MiB are skipped by default), so a
  // larger value is a mistake worth reporting rather than silently accepting.
  cmd->add_option("--max-line-length", a.max_line_length,
                  "On lines longer than BYTES (minified bundles), confirm each hit within 4 KiB of it, "
                  "not over the whole line (default: 16 KiB)")
      ->type_name("BYTES")
      ->check(CLI::Range(size_t{1} << 10, size_t{1} << 30));
  // 0 would report nothing while the exit code still fails: a mistake, not a setting.
  cmd->add_option("--max-findings-per-file", a.max_findings_per_file,
                  "Cap per file, keeping the most severe; the excess is noted and still counts toward --fail-on "
                  "(default: 1000)")
      ->type_name("N")
      ->check(CLI::Validator(
          [](std::string& v) {
            return v.find_first_not_of("0123456789") == std::string::npos && v.find_first_not_of('0') != std::string::npos
                       ? std::string()
                       : "must be a whole number of at least 1 (0 would hide every finding), not " + v;
          },
          "N>=1"));
  cmd->add_flag("--no-prefilter", a.no_prefilter, "Run every rule's regex on every line (slow; for checking)");
  cmd->add_option("--color", a.color, "Colour the text report (default: auto, on a terminal)")
      ->type_name("WHEN")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->add_flag("-q,--quiet", a.quiet, "Print the findings only: no summary, no progress line");
  cmd->add_flag("-v,--verbose", a.verbose, "Also print each finding's facts (JWT claims, key type) and skip counts");
  cmd->add_flag_callback("--no-progress", [&a] { a.progress = false; }, "Never draw the progress line on stderr");
  cmd->add_option("--automation-id", a.automation_id, "SARIF runs[].automationDetails.id (default: keyhole/<mode>/)")
      ->type_name("ID");
}

}  // namespace

int Main(int argc, char** argv) {
  try {
    CLI::App app{"keyhole: finds hardcoded JWTs, signing keys and other secrets in source repositories",
                 "keyhole"};
    // Built only when asked for: it hashes every default rule.
    app.set_version_flag("-V,--version", std::function<std::string()>(VersionString));
    app.require_subcommand(1);
    app.footer(kMainFooter);

    ScanArgs scan;
    CLI::App* scan_cmd = app.add_subcommand("scan", "Scan a directory, a git history, staged changes, a diff or stdin");
    AddScanOptions(scan_cmd, scan);
    scan_cmd->footer(kScanExamples);

    RulesArgs rules;
    CLI::App* rules_cmd = app.add_subcommand("rules", "List, check or explain the detection rules");
    rules_cmd->require_subcommand(1);
    rules_cmd->footer(kRulesExamples);
    CLI::App* rules_list = rules_cmd->add_subcommand("list", "List every rule");
    rules_list->add_option("-f,--format", rules.format, "Output format (default: text)")
        ->type_name("FORMAT")
        ->check(CLI::IsMember({"text", "json"}));
    CLI::App* rules_check = rules_cmd->add_subcommand("check", "Run every rule's examples and negative examples");
    CLI::App* rules_explain = rules_cmd->add_subcommand("explain", "Describe a rule: severity, examples, remediation");
    rules_explain->add_option("id", rules.rule_id, "Rule id (see `keyhole rules list`)")->type_name("ID")->required();
    rules_check->add_flag("-v,--verbose", rules.verbose, "Also print each example that passes");
    for (CLI::App* c : {rules_list, rules_check, rules_explain}) {
      c->add_option("-c,--config", rules.config, "Also load this config's rules")->type_name("FILE");
      c->footer(kRulesExamples);
    }

    BaselineArgs baseline;
    CLI::App* baseline_cmd = app.add_subcommand("baseline", "Record current findings as accepted, or prune stale entries");
    baseline_cmd->require_subcommand(1);
    baseline_cmd->footer(kBaselineExamples);
    CLI::App* baseline_create = baseline_cmd->add_subcommand("create", "Write a baseline of the current findings");
    CLI::App* baseline_prune = baseline_cmd->add_subcommand("prune", "Remove baseline entries that no longer match");
    baseline_create->add_option("-o,--output", baseline.file, "Baseline file (default: .keyhole-baseline.json)")
        ->type_name("FILE");
    baseline_prune->add_option("--baseline", baseline.file, "Baseline file (default: .keyhole-baseline.json)")
        ->type_name("FILE");
    for (CLI::App* c : {baseline_create, baseline_prune}) {
      c->add_option("path", baseline.scan.path, "What to scan (default: .)")->type_name("PATH");
      c->add_option("-c,--config", baseline.scan.config, "Config file")->type_name("FILE");
      c->add_flag("--history", baseline.scan.history, "Baseline the whole history");
      c->footer(kBaselineExamples);
    }

    HookArgs hook;
    CLI::App* hook_cmd = app.add_subcommand("hook", "Install or remove keyhole as the repository's git pre-commit hook");
    hook_cmd->require_subcommand(1);
    hook_cmd->footer(kHookExamples);
    CLI::App* hook_install = hook_cmd->add_subcommand("install", "Write the pre-commit hook (respects core.hooksPath)");
    CLI::App* hook_uninstall = hook_cmd->add_subcommand("uninstall", "Remove keyhole's pre-commit hook (only its own)");
    hook_install->add_flag("--force", hook.force, "Replace an existing pre-commit hook");
    for (CLI::App* c : {hook_install, hook_uninstall}) {
      c->add_option("--repo", hook.repo, "Repository or worktree (default: .)")->type_name("DIR");
      c->footer(kHookExamples);
    }

    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      app.exit(e);
      return 2;
    }

    if (scan_cmd->parsed()) return RunScan(scan);
    if (rules_cmd->parsed()) {
      rules.action = rules_list->parsed() ? "list" : rules_check->parsed() ? "check" : "explain";
      return RunRules(rules);
    }
    if (baseline_cmd->parsed()) {
      baseline.action = baseline_create->parsed() ? "create" : "prune";
      return RunBaseline(baseline);
    }
    if (hook_cmd->parsed()) {
      hook.action = hook_install->parsed() ? "install" : "uninstall";
      return RunHook(hook);
    }
    return 2;
  } catch (const std::exception& e) {
    PrintStderr("keyhole: internal error: %s\n", e.what());
    return 2;
  }
}

}  // namespace keyhole::cli
