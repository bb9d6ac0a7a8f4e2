// StagedSource and DiffSource: the files a change adds to, each scanned whole with the
// added lines attached (Blob::added_lines), so multi-line secrets keep their context but
// only what the change brings is reported.
#include <optional>
#include <set>

#include "source/git_common.h"
#include "source/git_source.h"

namespace keyhole::source {

namespace {

using namespace git;  // NOLINT: this file is the git adapter

git_diff_options DiffOptions() {
  git_diff_options o = GIT_DIFF_OPTIONS_INIT;
  o.context_lines = 0;   // only changed lines: every new-side line of a hunk is added
  o.interhunk_lines = 0;
  // Lines of UTF-16 text (which libgit2 calls binary) must be reported too; really binary
  // files are skipped when read.
  o.flags |= GIT_DIFF_FORCE_TEXT | GIT_DIFF_INCLUDE_TYPECHANGE;
  return o;
}

// Whether `delta` can add scannable lines: added, modified, renamed, copied or type-changed
// to a regular file or symlink. Submodules are collected in `submodules`.
bool AddsContent(const git_diff_delta* delta, std::set<std::string>* submodules) {
  switch (delta->status) {
    case GIT_DELTA_ADDED:
    case GIT_DELTA_MODIFIED:
    case GIT_DELTA_RENAMED:
    case GIT_DELTA_COPIED:
    case GIT_DELTA_TYPECHANGE:
      break;
    default:
      return false;  // deleted, unmodified...: nothing added
  }
  if (delta->new_file.mode == GIT_FILEMODE_COMMIT) {
    submodules->insert(delta->new_file.path != nullptr ? delta->new_file.path : "");
    return false;
  }
  return delta->new_file.mode == GIT_FILEMODE_BLOB || delta->new_file.mode == GIT_FILEMODE_BLOB_EXECUTABLE ||
         delta->new_file.mode == GIT_FILEMODE_LINK;
}

// Turns `diff` (renames detected) into tasks: one per file with added lines. Each file's
// patch is computed on its own, after checking that both of its blobs exist: libgit2
// reads them to find the lines, and one missing blob would fail the whole diff.
Status CollectTasks(git_repository* repo, git_diff* diff, int32_t facts, bool partial_clone,
                    std::vector<BlobTask>* tasks, ScanStats& stats) {
  git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
  // A renamed file's old lines are not new: without rename detection every line of it
  // would count as added.
  find.flags = GIT_DIFF_FIND_RENAMES;
  if (int rc = git_diff_find_similar(diff, &find); rc < 0) return ErrorStatus(rc, "cannot detect renames");
  git_odb* o = nullptr;
  if (int rc = git_repository_odb(&o, repo); rc < 0) return ErrorStatus(rc, "cannot open object database");
  OdbPtr odb(o);
  std::set<std::string> submodules;
  std::vector<MissingObject> missing;
  for (size_t i = 0, n = git_diff_num_deltas(diff); i < n; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff, i);
    if (!AddsContent(delta, &submodules)) continue;
    const std::string path = delta->new_file.path != nullptr ? delta->new_file.path : "";
    bool absent = false;
    for (const git_diff_file* f : {&delta->old_file, &delta->new_file}) {
      if (f->mode == 0 || f->mode == GIT_FILEMODE_COMMIT || git_oid_is_zero(&f->id)) continue;
      if (git_odb_exists(odb.get(), &f->id) == 0) {
        missing.push_back(MissingObject{path, f->id});
        absent = true;
      }
    }
    if (absent) continue;
    git_patch* p = nullptr;
    if (int rc = git_patch_from_diff(&p, diff, i); rc < 0) {
      stats.AddError(path, ErrorStatus(rc, "cannot compute the diff").message());
      continue;
    }
    std::unique_ptr<git_patch, Deleter<git_patch, git_patch_free>> patch(p);
    std::vector<LineRange> ranges;
    for (size_t h = 0, hunks = git_patch_num_hunks(p); h < hunks; ++h) {
      for (int l = 0, lines = git_patch_num_lines_in_hunk(p, h); l < lines; ++l) {
        const git_diff_line* line = nullptr;
        if (git_patch_get_line_in_hunk(&line, p, h, static_cast<size_t>(l)) < 0) break;
        if (line->origin != GIT_DIFF_LINE_ADDITION || line->new_lineno <= 0) continue;
        const auto no = static_cast<uint32_t>(line->new_lineno);
        if (!ranges.empty() && ranges.back().last + 1 == no) {
          ranges.back().last = no;
        } else {
          ranges.push_back(LineRange{no, no});
        }
      }
    }
    git_error_clear();
    // A renamed file's old lines are not added, but they are new at this path: one an
    // allowlist suppressed at the old path (testdata/) must be reported at the new one
    // (Origin::moved_from), so a renamed file is read even when the rename adds no line.
    std::string moved_from;
    if ((delta->status == GIT_DELTA_RENAMED || delta->status == GIT_DELTA_COPIED) && delta->old_file.path != nullptr &&
        path != delta->old_file.path) {
      moved_from = delta->old_file.path;
    }
    // Any other file whose change adds no line (a pure deletion of lines, a mode change)
    // has nothing to report.
    if (!ranges.empty() || !moved_from.empty()) {
      tasks->push_back(BlobTask{delta->new_file.id, path, facts, std::move(ranges), {}, std::move(moved_from)});
    }
  }
  ReportMissing(missing, "blob", partial_clone, stats);
  if (!submodules.empty()) {
    std::string list;
    for (const std::string& s : submodules) list += (list.empty() ? "" : ", ") + s;
    stats.AddNote("submodules are not entered: " + list);
  }
  return Status::OK();
}

Result<CommitPtr> ResolveCommit(git_repository* repo, const std::string& rev) {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, repo, rev.c_str()) < 0) {
    git_error_clear();
    return Status::InvalidArgument("unknown revision '" + rev + "'");
  }
  ObjectPtr owned(obj);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
    git_error_clear();
    return Status::InvalidArgument("revision '" + rev + "' is not a commit");
  }
  return CommitPtr(reinterpret_cast<git_commit*>(peeled));
}

struct RangeCommits {
  CommitPtr base, head;  // base: the merge base for A...B
  std::string base_name, head_name;
};

// "A..B", "A" (= A..HEAD), "A...B" (= merge-base(A, B)..B).
Result<RangeCommits> ResolveRange(git_repository* repo, const std::string& range) {
  RangeCommits out;
  std::string base = range, head = "HEAD";
  bool merge_base = false;
  if (size_t p = range.find("..."); p != std::string::npos) {
    base = range.substr(0, p);
    head = range.substr(p + 3);
    merge_base = true;
  } else if (size_t q = range.find(".."); q != std::string::npos) {
    base = range.substr(0, q);
    head = range.substr(q + 2);
  }
  if (base.empty()) base = "HEAD";  // git's "..B" and "A.." (the CLI rejects them earlier)
  if (head.empty()) head = "HEAD";
  out.base_name = base;
  out.head_name = head;
  Result<CommitPtr> b = ResolveCommit(repo, base);
  if (!b.ok()) return b.status();
  Result<CommitPtr> h = ResolveCommit(repo, head);
  if (!h.ok()) return h.status();
  out.base = std::move(*b);
  out.head = std::move(*h);
  if (merge_base) {
    git_oid mb;
    int rc = git_merge_base(&mb, repo, git_commit_id(out.base.get()), git_commit_id(out.head.get()));
    if (rc == GIT_ENOTFOUND) {
      git_error_clear();
      return Status::InvalidArgument("'" + base + "' and '" + head + "' have no common ancestor");
    }
    if (rc < 0) return ErrorStatus(rc, "cannot find the merge base of " + range);
    git_commit* c = nullptr;
    if (rc = git_commit_lookup(&c, repo, &mb); rc < 0) return ErrorStatus(rc, "cannot read merge base");
    out.base.reset(c);
  }
  return out;
}

// The text of `path` in `commit`'s tree; nullopt when it is not a file there.
Result<std::optional<std::string>> FileAtCommit(git_repository* repo, git_commit* commit, const std::string& path,
                                                size_t max_bytes) {
  git_tree* t = nullptr;
  if (int rc = git_commit_tree(&t, commit); rc < 0) return ErrorStatus(rc, "cannot read a tree");
  TreePtr tree(t);
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, t, path.c_str()) != 0) {
    git_error_clear();
    return std::optional<std::string>();
  }
  std::unique_ptr<git_tree_entry, Deleter<git_tree_entry, git_tree_entry_free>> entry(e);
  if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) return std::optional<std::string>();
  git_blob* b = nullptr;
  if (int rc = git_blob_lookup(&b, repo, git_tree_entry_id(e)); rc < 0) {
    return ErrorStatus(rc, "cannot read " + path + " at " + OidHex(*git_commit_id(commit)));
  }
  std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>> blob(b);
  const auto size = static_cast<size_t>(git_blob_rawsize(b));
  if (size > max_bytes) {
    return Status::InvalidArgument(path + " at " + OidHex(*git_commit_id(commit)) + " is larger than " +
                                   std::to_string(max_bytes) + " bytes");
  }
  return std::optional<std::string>(std::string(static_cast<const char*>(git_blob_rawcontent(b)), size));
}

class StagedSource final : public Source {
 public:
  StagedSource(std::filesystem::path repo, SourceOptions opts) : path_(std::move(repo)), opts_(opts) {}

  Status Run(int threads, const BlobSink& sink, ScanStats& stats) override {
    Result<RepoPtr> opened = OpenRepository(path_, /*from_env=*/true);
    if (!opened.ok()) return opened.status();
    git_repository* repo = opened->get();
    if (git_repository_is_bare(repo) == 1) {
      return Status::InvalidArgument("--staged needs a work tree, " + path_.string() + " is a bare repository");
    }
    CorruptObjects corrupt = FindCorruptLooseObjects(std::filesystem::path(git_repository_commondir(repo)) / "objects");
    if (!corrupt.empty()) return CorruptRepositoryStatus(corrupt);
    // The index git is committing: GIT_INDEX_FILE when git runs us as a hook (applied by
    // OpenRepository's from_env), else the repository's own.
    git_index* i = nullptr;
    if (int rc = git_repository_index(&i, repo); rc < 0) return ErrorStatus(rc, "cannot read the index");
    IndexPtr index(i);
    TreePtr head;
    int unborn = git_repository_head_unborn(repo);
    if (unborn < 0) return ErrorStatus(unborn, "cannot read HEAD");
    if (unborn == 0) {  // a fresh repository is compared with the empty tree
      git_object* t = nullptr;
      if (int rc = git_revparse_single(&t, repo, "HEAD^{tree}"); rc < 0) return ErrorStatus(rc, "cannot read HEAD");
      head.reset(reinterpret_cast<git_tree*>(t));
    }
    git_diff_options o = DiffOptions();
    git_diff* d = nullptr;
    if (int rc = git_diff_tree_to_index(&d, repo, head.get(), i, &o); rc < 0) {
      return ErrorStatus(rc, "cannot diff the index against HEAD");
    }
    DiffPtr diff(d);
    std::vector<BlobTask> tasks;
    const bool partial = IsPartialClone(repo);
    if (Status s = CollectTasks(repo, d, -1, partial, &tasks, stats); !s.ok()) return s;
    return ReadBlobs(git_repository_path(repo), tasks, {}, threads, partial, opts_, sink, stats);
  }

 private:
  Library lib_;
  std::filesystem::path path_;
  SourceOptions opts_;
};

class DiffSource final : public Source {
 public:
  DiffSource(std::filesystem::path repo, std::string range, SourceOptions opts)
      : path_(std::move(repo)), range_(std::move(range)), opts_(opts) {}

  Status Run(int threads, const BlobSink& sink, ScanStats& stats) override {
    Result<RepoPtr> opened = OpenRepository(path_);
    if (!opened.ok()) return opened.status();
    git_repository* repo = opened->get();
    CorruptObjects corrupt = FindCorruptLooseObjects(std::filesystem::path(git_repository_commondir(repo)) / "objects");
    if (!corrupt.empty()) return CorruptRepositoryStatus(corrupt);

    Result<RangeCommits> ends = ResolveRange(repo, range_);
    if (!ends.ok()) return ends.status();
    CommitPtr base_commit = std::move(ends->base);
    CommitPtr* h = &ends->head;
    const std::string& base = ends->base_name;
    const std::string& head = ends->head_name;
    git_tree* bt = nullptr;
    git_tree* ht = nullptr;
    if (int rc = git_commit_tree(&bt, base_commit.get()); rc < 0) return ErrorStatus(rc, "cannot read tree of " + base);
    TreePtr base_tree(bt);
    if (int rc = git_commit_tree(&ht, h->get()); rc < 0) return ErrorStatus(rc, "cannot read tree of " + head);
    TreePtr head_tree(ht);

    git_diff_options o = DiffOptions();
    git_diff* d = nullptr;
    if (int rc = git_diff_tree_to_tree(&d, repo, bt, ht, &o); rc < 0) return ErrorStatus(rc, "cannot diff " + range_);
    DiffPtr diff(d);
    // Attributing each added line to its own commit would need blame; the head commit is
    // the approximation a CI gate needs (the change under review).
    std::vector<GitFacts> facts = {CommitFacts(h->get())};
    std::vector<BlobTask> tasks;
    const bool partial = IsPartialClone(repo);
    if (Status s = CollectTasks(repo, d, 0, partial, &tasks, stats); !s.ok()) return s;
    return ReadBlobs(git_repository_path(repo), tasks, facts, threads, partial, opts_, sink, stats);
  }

 private:
  Library lib_;
  std::filesystem::path path_;
  std::string range_;
  SourceOptions opts_;
};

}  // namespace

std::unique_ptr<Source> MakeStagedSource(std::filesystem::path repo, SourceOptions opts) {
  return std::make_unique<StagedSource>(std::move(repo), opts);
}

Result<std::optional<RangeConfig>> ConfigAtDiffBase(const std::filesystem::path& repo, const std::string& range,
                                                    const std::vector<std::string>& names, size_t max_bytes) {
  Library lib;
  Result<RepoPtr> opened = OpenRepository(repo);
  if (!opened.ok()) return opened.status();
  Result<RangeCommits> ends = ResolveRange(opened->get(), range);
  if (!ends.ok()) return ends.status();
  for (const std::string& name : names) {
    Result<std::optional<std::string>> at_base = FileAtCommit(opened->get(), ends->base.get(), name, max_bytes);
    if (!at_base.ok()) return at_base.status();
    Result<std::optional<std::string>> at_head = FileAtCommit(opened->get(), ends->head.get(), name, max_bytes);
    if (!at_head.ok()) return at_head.status();
    if (!at_base->has_value() && !at_head->has_value()) continue;
    RangeConfig c;
    c.name = name;
    c.base_commit = OidHex(*git_commit_id(ends->base.get()));
    c.at_base = std::move(*at_base);
    c.changed = c.at_base != *at_head;
    return std::optional<RangeConfig>(std::move(c));
  }
  return std::optional<RangeConfig>();
}

std::unique_ptr<Source> MakeDiffSource(std::filesystem::path repo, std::string range, SourceOptions opts) {
  return std::make_unique<DiffSource>(std::move(repo), std::move(range), opts);
}

}  // namespace keyhole::source
