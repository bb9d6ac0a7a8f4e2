#include "source/git_common.h"

#include <algorithm>
#include <atomic>
#include <ctime>
#include <mutex>
#include <string_view>
#include <thread>

#include "core/text.h"
#include "source/fs_read.h"

namespace keyhole::source::git {

Library::Library() {
  git_libgit2_init();
  git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
  git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
}

Library::~Library() { git_libgit2_shutdown(); }

Status ErrorStatus(int code, const std::string& what) {
  const git_error* e = git_error_last();
  std::string msg = what;
  if (e != nullptr && e->message != nullptr) msg += std::string(": ") + e->message;
  git_error_clear();
  if (code == GIT_ENOTFOUND) return Status::NotFound(std::move(msg));
  return Status::IOError(std::move(msg));
}

Result<RepoPtr> OpenRepository(const std::filesystem::path& path, bool from_env) {
  git_repository* repo = nullptr;
  int rc = git_repository_open_ext(&repo, path.c_str(), from_env ? GIT_REPOSITORY_OPEN_FROM_ENV : 0, nullptr);
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return Status::InvalidArgument("not a git repository (or any parent up to /): " + path.string());
  }
  if (rc < 0) return ErrorStatus(rc, "cannot open git repository " + path.string());
  return RepoPtr(repo);
}

std::string OidHex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return std::string(buf);
}

GitFacts CommitFacts(const git_commit* commit) {
  GitFacts f;
  f.commit = OidHex(*git_commit_id(commit));
  if (const git_signature* a = git_commit_author(commit)) {
    f.author = a->name != nullptr ? a->name : "";
    f.email = a->email != nullptr ? a->email : "";
    std::time_t t = static_cast<std::time_t>(a->when.time);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    f.date = buf;
  }
  if (const char* msg = git_commit_message(commit)) {
    std::string_view m(msg);
    size_t nl = m.find('\n');
    f.summary = std::string(m.substr(0, nl));
  }
  return f;
}

bool IsPartialClone(git_repository* repo) {
  git_config* cfg = nullptr;
  if (git_repository_config_snapshot(&cfg, repo) < 0) {
    git_error_clear();
    return false;
  }
  std::unique_ptr<git_config, Deleter<git_config, git_config_free>> owned(cfg);
  git_config_entry* e = nullptr;
  if (git_config_get_entry(&e, cfg, "extensions.partialclone") == 0) {
    git_config_entry_free(e);
    return true;
  }
  git_error_clear();
  // remote.<name>.promisor, matched here rather than with git_config_iterator_glob_new:
  // libgit2 1.5's git_regexp_match leaks its PCRE2 match data on every entry that does
  // not match (fixed upstream in libgit2 PR #6382, 1.6), which LeakSanitizer reports.
  bool promisor = false;
  git_config_iterator* it = nullptr;
  if (git_config_iterator_new(&it, cfg) == 0) {
    constexpr std::string_view kPrefix = "remote.", kSuffix = ".promisor";
    git_config_entry* entry = nullptr;
    while (!promisor && git_config_next(&entry, it) == 0) {
      const std::string_view name = entry->name;  // section and key lower-cased by libgit2
      if (name.size() < kPrefix.size() + kSuffix.size() || name.substr(0, kPrefix.size()) != kPrefix ||
          name.substr(name.size() - kSuffix.size()) != kSuffix) {
        continue;
      }
      int value = 0;
      promisor = git_config_parse_bool(&value, entry->value) == 0 && value != 0;
    }
    git_config_iterator_free(it);
  }
  git_error_clear();
  return promisor;
}

void ReportMissing(const std::vector<MissingObject>& missing, const std::string& kind, bool partial_clone,
                   ScanStats& stats) {
  if (missing.empty()) return;
  stats.missing_objects += missing.size();
  if (partial_clone) {
    // Absent by design, but unscanned all the same: a scan that could not read them is
    // incomplete (exit 2), never clean. One error, not one per object.
    stats.AddError("", std::to_string(missing.size()) + " " + kind +
                           " object(s) of this partial clone are not present locally and were not scanned; "
                           "the scan is incomplete (fetch them, or scan a full clone)");
    return;
  }
  for (const MissingObject& m : missing) {
    stats.AddError(m.path.empty() ? "<" + kind + " " + OidHex(m.oid) + ">" : m.path,
                   kind + " " + OidHex(m.oid) + " is missing from the repository");
  }
}

void DropCorrupt(const CorruptObjects& corrupt, std::vector<BlobTask>* tasks, ScanStats& stats) {
  if (corrupt.empty()) return;
  std::erase_if(*tasks, [&](const BlobTask& t) {
    const std::string* why = CorruptReason(corrupt, t.oid);
    if (why != nullptr) stats.AddError(t.path, "cannot read object " + OidHex(t.oid) + ": " + *why);
    return why != nullptr;
  });
}

Status CorruptRepositoryStatus(const CorruptObjects& corrupt) {
  std::string list;
  size_t shown = 0;
  for (const auto& [id, why] : corrupt) {
    if (shown++ == 5) {
      list += ", and " + std::to_string(corrupt.size() - 5) + " more";
      break;
    }
    std::string_view reason = why;
    if (reason.starts_with("corrupt loose object: ")) reason.remove_prefix(22);
    list += (list.empty() ? "" : ", ") + id + " (" + std::string(reason) + ")";
  }
  return Status::IOError("the repository has " + std::to_string(corrupt.size()) +
                         " corrupt loose object(s): " + list + "; `git fsck` shows the damage");
}

namespace {

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// "sha256:" and 64 lower-case hex digits: an LFS object id.
bool IsSha256Oid(std::string_view v) {
  constexpr std::string_view kPrefix = "sha256:";
  return v.size() == kPrefix.size() + 64 && v.starts_with(kPrefix) && IsLowerHex(v.substr(kPrefix.size()));
}

}  // namespace

bool IsLfsPointer(std::string_view data) {
  // The spec (git-lfs docs/spec.md, extensions.md): UTF-8 text under 1024 bytes, lines
  // "{key} {value}\n", `version` first, then the keys in ascending order; `oid` and `size`
  // are required. The only other keys the spec defines are extensions, "ext-{N}-{name}
  // sha256:{hex}". A file with anything else — an unknown key, a second value, a trailing
  // line, a missing newline — is not a pointer and is scanned: a value of a made-up key
  // could hold a secret.
  if (data.size() >= 1024 || data.empty() || data.back() != '\n') return false;
  std::string_view rest = data;
  std::string previous_key;
  bool first = true, has_oid = false, has_size = false;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0) return false;
    std::string_view key = line.substr(0, sp), value = line.substr(sp + 1);
    if (value.empty() || value.find_first_of(" \r\t") != std::string_view::npos) return false;
    if (first) {
      // Parsers "MUST use simple string comparison on the version"; the hawser URL is what
      // git-lfs wrote before its rename, and git-lfs still reads it.
      if (key != "version" || (value != "https://git-lfs.github.com/spec/v1" &&
                               value != "https://hawser.github.com/spec/v1")) {
        return false;
      }
      first = false;
      continue;
    }
    if (!previous_key.empty() && key <= previous_key) return false;  // sorted, each key once
    previous_key = std::string(key);
    if (key == "oid") {
      if (!IsSha256Oid(value)) return false;
      has_oid = true;
    } else if (key == "size") {
      if (value.size() > 20 || value.find_first_not_of("0123456789") != std::string_view::npos) return false;
      has_size = true;
    } else if (key.starts_with("ext-")) {
      // ext-{priority}-{name}: a decimal priority and a name of [a-z0-9.-].
      std::string_view ext = key.substr(4);
      size_t dash = ext.find('-');
      if (dash == 0 || dash == std::string_view::npos || dash + 1 == ext.size()) return false;
      if (ext.substr(0, dash).find_first_not_of("0123456789") != std::string_view::npos) return false;
      if (ext.substr(dash + 1).find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") != std::string_view::npos) {
        return false;
      }
      if (!IsSha256Oid(value)) return false;
    } else {
      return false;
    }
  }
  return has_oid && has_size;
}

namespace {

// Reads one task; returns true if the object was absent.
bool ReadOne(git_odb* odb, const BlobTask& task, const std::vector<GitFacts>& facts,
             const SourceOptions& opts, int worker, const BlobSink& sink, ScanStats& stats) {
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  int rc = git_odb_read_header(&size, &type, odb, &task.oid);
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return true;
  }
  if (rc < 0) {
    stats.AddError(task.path, ErrorStatus(rc, "cannot read object " + OidHex(task.oid)).message());
    return false;
  }
  if (type != GIT_OBJECT_BLOB) {
    // A damaged loose object can have a header that parses as anything; only a full read
    // tells corruption (its error) from an object that really is not a blob.
    git_odb_object* raw = nullptr;
    rc = git_odb_read(&raw, odb, &task.oid);
    if (rc < 0) {
      stats.AddError(task.path, ErrorStatus(rc, "cannot read object " + OidHex(task.oid)).message());
    } else {
      git_odb_object_free(raw);
      stats.AddError(task.path, "object " + OidHex(task.oid) + " is not a blob");
    }
    return false;
  }
  if (opts.max_file_size != 0 && size > opts.max_file_size) {
    stats.skipped_too_large++;
    return false;
  }
  git_odb_object* raw = nullptr;
  rc = git_odb_read(&raw, odb, &task.oid);
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return true;
  }
  if (rc < 0) {
    stats.AddError(task.path, ErrorStatus(rc, "cannot read object " + OidHex(task.oid)).message());
    return false;
  }
  std::shared_ptr<git_odb_object> obj(raw, git_odb_object_free);
  std::string_view data(static_cast<const char*>(git_odb_object_data(raw)), git_odb_object_size(raw));
  if (IsLfsPointer(data)) {
    stats.skipped_ignored++;
    return false;
  }
  Origin origin;
  origin.path = task.path;
  origin.blob_id = OidHex(task.oid);
  if (task.facts >= 0) origin.git = facts[static_cast<size_t>(task.facts)];
  origin.other_paths = task.other_paths;
  origin.moved_from = task.moved_from;
  // The same decision as for files on disk (binary content yields its printable runs).
  std::optional<Blob> made = MakeTextBlob(std::move(origin), data, obj, stats);
  if (!made) return false;
  Blob& blob = *made;
  if (task.added_lines) blob.set_added_lines(*task.added_lines);
  stats.files_scanned.fetch_add(1, std::memory_order_relaxed);
  stats.bytes_scanned.fetch_add(blob.bytes().size(), std::memory_order_relaxed);
  sink(worker, blob);
  return false;
}

// The body of ReadBlobs, on the tasks to read.
Status ReadTasks(const std::string& gitdir, const std::vector<BlobTask>& tasks,
                 const std::vector<GitFacts>& facts, int threads, bool partial_clone,
                 const SourceOptions& opts, const BlobSink& sink, ScanStats& stats) {
  const size_t n = tasks.size();
  stats.files_planned.store(n, std::memory_order_relaxed);
  if (n == 0) return Status::OK();
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(threads), n));
  // Chunks of up to 4,096 tasks handed out on demand keep each worker on a contiguous run
  // of pack order (its delta-base cache stays warm); smaller chunks for small inputs keep
  // the workers balanced.
  const size_t chunk = std::clamp<size_t>(n / (static_cast<size_t>(threads) * 8), 1, 4096);
  std::atomic<size_t> next{0};
  std::mutex missing_mu;
  std::vector<MissingObject> missing;
  std::vector<Status> status(static_cast<size_t>(threads));

  auto work = [&](int w) {
    // libgit2 handles are not shared across threads, and one shared odb is slower than
    // a single thread: every worker opens its own.
    git_repository* r = nullptr;
    int rc = git_repository_open(&r, gitdir.c_str());
    if (rc < 0) {
      status[static_cast<size_t>(w)] = ErrorStatus(rc, "cannot open git repository " + gitdir);
      return;
    }
    RepoPtr repo(r);
    git_odb* o = nullptr;
    rc = git_repository_odb(&o, r);
    if (rc < 0) {
      status[static_cast<size_t>(w)] = ErrorStatus(rc, "cannot open object database of " + gitdir);
      return;
    }
    OdbPtr odb(o);
    for (;;) {
      size_t begin = next.fetch_add(chunk);
      if (begin >= n) break;
      size_t end = std::min(n, begin + chunk);
      for (size_t i = begin; i < end; ++i) {
        if (ReadOne(o, tasks[i], facts, opts, w, sink, stats)) {
          std::lock_guard<std::mutex> lock(missing_mu);
          missing.push_back(MissingObject{tasks[i].path, tasks[i].oid});
        }
      }
    }
  };
  if (threads == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    pool.reserve(static_cast<size_t>(threads));
    for (int w = 0; w < threads; ++w) pool.emplace_back(work, w);
    for (std::thread& t : pool) t.join();
  }
  std::sort(missing.begin(), missing.end(),
            [](const MissingObject& a, const MissingObject& b) { return a.path < b.path; });
  ReportMissing(missing, "blob", partial_clone, stats);
  // A worker that could not open the repository leaves its share to the others, so the
  // scan is complete unless every worker failed.
  for (const Status& s : status) {
    if (s.ok()) return Status::OK();
  }
  return status.front();
}

}  // namespace

Status ReadBlobs(const std::string& gitdir, const std::vector<BlobTask>& tasks,
                 const std::vector<GitFacts>& facts, int threads, bool partial_clone,
                 const SourceOptions& opts, const BlobSink& sink, ScanStats& stats) {
  // A renamed file that adds no line can only report lines a path allowlist suppressed at
  // its old path (BlobTask::moved_from); without path allowlists it is not read at all.
  const auto carried_only = [](const BlobTask& t) { return t.added_lines && t.added_lines->empty(); };
  if (!opts.path_signature && std::any_of(tasks.begin(), tasks.end(), carried_only)) {
    std::vector<BlobTask> kept;
    std::copy_if(tasks.begin(), tasks.end(), std::back_inserter(kept), [&](const BlobTask& t) { return !carried_only(t); });
    return ReadTasks(gitdir, kept, facts, threads, partial_clone, opts, sink, stats);
  }
  return ReadTasks(gitdir, tasks, facts, threads, partial_clone, opts, sink, stats);
}

}  // namespace keyhole::source::git
