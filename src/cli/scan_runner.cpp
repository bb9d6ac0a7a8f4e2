#include "cli/scan_runner.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include "cli/output.h"
#include "findings/filter.h"
#include "pipeline/pipeline.h"
#include "rules/loader.h"
#include "scan/rule_database.h"
#include "source/dir_source.h"
#include "source/git_source.h"

namespace keyhole::cli {

namespace fs = std::filesystem;

namespace {

// Draws "keyhole: N files, X MB, Y MB/s" on stderr while a long scan runs, when stderr is
// a terminal. Starts drawing only after a second, so quick scans print nothing. The delay
// can be changed with KEYHOLE_PROGRESS_DELAY_MS (tests use 0: the line is then drawn once
// before the scan starts, so its presence does not depend on timing).
class ProgressLine {
 public:
  ProgressLine(const ScanStats& stats, bool enabled) : stats_(stats) {
    if (!enabled) return;
    start_ = std::chrono::steady_clock::now();
    if (const char* d = std::getenv("KEYHOLE_PROGRESS_DELAY_MS"); d && *d) {
      delay_ = std::chrono::milliseconds(std::strtol(d, nullptr, 10));
    }
    if (delay_.count() <= 0) Draw();
    thread_ = std::thread([this] { Loop(); });
  }
  ~ProgressLine() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (drawn_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, delay_, [this] { return done_; })) return;
    while (!done_) {
      Draw();
      cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return done_; });
    }
  }

  void Draw() {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    ProgressCounts counts;
    counts.done = stats_.files_scanned.load();
    counts.planned = stats_.files_planned.load();
    counts.bytes = stats_.bytes_scanned.load();
    counts.commits_walked = stats_.commits_walked.load();
    counts.commits_planned = stats_.commits_planned.load();
    const std::string line = ProgressText(counts, secs);
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }

  const ScanStats& stats_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::milliseconds delay_{1000};  // quick scans finish before this and draw nothing
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  bool drawn_ = false;
  std::thread thread_;
};

}  // namespace

static_assert(ScanArgs::kDefaultMaxLineLength == scan::DatabaseOptions::kDefaultLongLine,
              "--max-line-length's default is the scanner's");

std::string ScanModeName(const ScanArgs& args) {
  if (args.path == "-") return "stdin";
  if (args.history) return "history";
  if (args.staged) return "staged";
  if (args.diff_given || !args.diff.empty()) return "diff";
  return "directory";
}

Status CheckDiffRange(const std::string& range) {
  auto blank = [](std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; };
  if (blank(range)) {
    return Status::InvalidArgument(
        "--diff was given an empty range; it needs BASE..HEAD or BASE (is the CI variable that holds it set?)");
  }
  size_t dots = range.find("...");
  size_t width = 3;
  if (dots == std::string::npos) {
    dots = range.find("..");
    width = 2;
  }
  if (dots == std::string::npos) return Status::OK();
  const std::string_view r(range);
  if (blank(r.substr(0, dots)) || blank(r.substr(dots + width))) {
    return Status::InvalidArgument("--diff '" + range +
                                   "' has an empty side; give both revisions, as in BASE..HEAD (is the CI "
                                   "variable that holds one of them set?)");
  }
  return Status::OK();
}

Result<ScanRun> ExecuteScan(const ScanArgs& args) {
  ScanRun run;
  const bool diff = args.diff_given || !args.diff.empty();
  int modes = (args.history ? 1 : 0) + (args.staged ? 1 : 0) + (diff ? 1 : 0);
  if (modes > 1) return Status::InvalidArgument("--history, --staged and --diff are exclusive");
  if (diff) {
    if (Status s = CheckDiffRange(args.diff); !s.ok()) return s;
  }
  if (args.path == "-" && modes > 0) return Status::InvalidArgument("stdin (-) cannot be combined with git modes");
  if ((!args.branches.empty() || args.all) && !args.history)
    return Status::InvalidArgument("--branch and --all need --history");

  std::error_code ec;
  fs::path path = args.path.empty() ? fs::path(".") : fs::path(args.path);
  if (args.path != "-" && !fs::exists(path, ec)) return Status::NotFound("no such file or directory: " + args.path);

  if (args.path == "-") {
    run.mode = "stdin";
    run.root = fs::current_path(ec);
  } else if (modes == 0) {
    run.mode = "directory";
    run.root = fs::absolute(fs::is_directory(path, ec) ? path : path.parent_path(), ec).lexically_normal();
  } else {
    run.root = fs::absolute(DiscoverRoot(path), ec).lexically_normal();
    run.mode = args.history ? "history" : args.staged ? "staged" : "diff";
  }

  Result<LoadedRules> rules = Status::Internal("rules not loaded");
  std::optional<source::RangeConfig> range_config;
  if (diff && args.config.empty()) {
    // A pull request that adds `paths = ['.*']` to .keyhole.toml must not pass its own
    // gate: the range is judged by the config of its base revision.
    Result<std::optional<source::RangeConfig>> found =
        source::ConfigAtDiffBase(path, args.diff, {".keyhole.toml", ".gitleaks.toml"}, rules::kMaxConfigBytes);
    if (!found.ok()) return found.status();
    range_config = std::move(found).value();
  }
  if (range_config) {
    const std::string at = range_config->base_commit.substr(0, 12);
    if (range_config->at_base) {
      rules = LoadRulesFromText(*range_config->at_base, (run.root / range_config->name).string() + "@" + at);
    } else {
      rules = LoadDefaultRules();
    }
    if (rules.ok() && range_config->changed) {
      run.stats->AddNote("this range " + std::string(range_config->at_base ? "changes" : "adds") + " " +
                         range_config->name + "; it is judged by the base revision's config (" + at +
                         (range_config->at_base ? "" : ": none, the default rules") +
                         "), not its own: pass --config to choose");
    }
  } else {
    rules = LoadRules(args.config, run.root);
  }
  if (!rules.ok()) return rules.status();
  run.rules = std::move(rules).value();

  scan::DatabaseOptions db_options;
  db_options.prefilter = !args.no_prefilter;
  db_options.long_line = args.max_line_length;
  Result<std::unique_ptr<scan::RuleDatabase>> db = scan::RuleDatabase::Build(run.rules.set, db_options);
  if (!db.ok()) return db.status();
  Result<std::unique_ptr<findings::AllowlistFilter>> filter = findings::AllowlistFilter::Build(run.rules.set);
  if (!filter.ok()) return filter.status();

  source::SourceOptions source_options;
  source_options.max_file_size = args.max_file_size;
  if (const findings::AllowlistFilter* f = filter->get(); f->HasPathAllowlists()) {
    // A blob at several paths (history) or renamed (staged, diff) is judged at each.
    source_options.path_signature = [f](std::string_view p) { return f->PathSignature(p); };
  }
  std::unique_ptr<source::Source> src;
  if (run.mode == "stdin") {
    src = source::MakeStdinSource(source_options);
  } else if (run.mode == "directory") {
    src = source::MakeDirSource(path, source_options);
  } else if (run.mode == "history") {
    source::HistoryOptions h;
    h.refs = args.branches;
    h.all = args.branches.empty() || args.all;
    h.base = source_options;
    src = source::MakeGitHistorySource(path, h);
  } else if (run.mode == "staged") {
    src = source::MakeStagedSource(path, source_options);
  } else {
    src = source::MakeDiffSource(path, args.diff, source_options);
  }

  pipeline::PipelineOptions options;
  options.threads = args.threads;
  options.analyze.max_findings_per_blob = args.max_findings_per_file;

  auto start = std::chrono::steady_clock::now();
  {
    ProgressLine progress(*run.stats, args.progress && !args.quiet && StderrIsTerminal());
    run.status = pipeline::Run(*src, **db, filter->get(), options, *run.stats, &run.findings);
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

}  // namespace keyhole::cli
