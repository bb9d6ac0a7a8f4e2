// StagedSource and DiffSource: the files a change adds to, each scanned whole with the
// added lines attached (Blob::added_lines), so multi-line secrets keep their context but
// only what the change brings is reported.
#include <set>

#include "source/git_common.h"
#include "source/git_source.h"

namespace keyhole::source {

namespace {

using namespace git;  // NOLINT: this file is the git adapter

struct DiffCollector {
  std::vector<BlobTask>* tasks;
  int32_t facts;
  std::set<std::string> submodules;
  bool current = false;  // whether the file being visited became the last task
};

int OnFile(const git_diff_delta* delta, float /*progress*/, void* payload) {
  auto* c = static_cast<DiffCollector*>(payload);
  c->current = false;
  switch (delta->status) {
    case GIT_DELTA_ADDED:
    case GIT_DELTA_MODIFIED:
    case GIT_DELTA_RENAMED:
    case GIT_DELTA_COPIED:
    case GIT_DELTA_TYPECHANGE:
      break;
    default:
      return 0;  // deleted, unmodified...: nothing added
  }
  const char* path = delta->new_file.path != nullptr ? delta->new_file.path : "";
  if (delta->new_file.mode == GIT_FILEMODE_COMMIT) {
    c->submodules.insert(path);
    return 0;
  }
  if (delta->new_file.mode != GIT_FILEMODE_BLOB && delta->new_file.mode != GIT_FILEMODE_BLOB_EXECUTABLE &&
      delta->new_file.mode != GIT_FILEMODE_LINK) {
    return 0;
  }
  c->tasks->push_back(BlobTask{delta->new_file.id, path, c->facts, std::vector<LineRange>{}});
  c->current = true;
  return 0;
}

int OnLine(const git_diff_delta* /*delta*/, const git_diff_hunk* /*hunk*/, const git_diff_line* line,
           void* payload) {
  auto* c = static_cast<DiffCollector*>(payload);
  if (!c->current || line->origin != GIT_DIFF_LINE_ADDITION || line->new_lineno <= 0) return 0;
  auto& ranges = *c->tasks->back().added_lines;
  const auto n = static_cast<uint32_t>(line->new_lineno);
  if (!ranges.empty() && ranges.back().last + 1 == n) {
    ranges.back().last = n;
  } else {
    ranges.push_back(LineRange{n, n});
  }
  return 0;
}

git_diff_options DiffOptions() {
  git_diff_options o = GIT_DIFF_OPTIONS_INIT;
  o.context_lines = 0;   // only changed lines: every new-side line of a hunk is added
  o.interhunk_lines = 0;
  // Lines of UTF-16 text (which libgit2 calls binary) must be reported too; really binary
  // files are skipped when read.
  o.flags |= GIT_DIFF_FORCE_TEXT | GIT_DIFF_INCLUDE_TYPECHANGE;
  return o;
}

// Turns `diff` (renames detected) into tasks: one per file with added lines.
Status CollectTasks(git_diff* diff, int32_t facts, std::vector<BlobTask>* tasks, ScanStats& stats) {
  git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
  // A renamed file's old lines are not new: without rename detection every line of it
  // would count as added.
  find.flags = GIT_DIFF_FIND_RENAMES;
  if (int rc = git_diff_find_similar(diff, &find); rc < 0) return ErrorStatus(rc, "cannot detect renames");
  DiffCollector c{tasks, facts, {}, false};
  if (int rc = git_diff_foreach(diff, OnFile, nullptr, nullptr, OnLine, &c); rc < 0) {
    return ErrorStatus(rc, "cannot compute the diff");
  }
  // A file whose change adds no line (a pure deletion of lines, a mode change) has
  // nothing to report.
  std::erase_if(*tasks, [](const BlobTask& t) { return t.added_lines->empty(); });
  if (!c.submodules.empty()) {
    std::string list;
    for (const std::string& s : c.submodules) list += (list.empty() ? "" : ", ") + s;
    stats.AddNote("submodules are not entered: " + list);
  }
  return Status::OK();
}

class StagedSource final : public Source {
 public:
  StagedSource(std::filesystem::path repo, SourceOptions opts) : path_(std::move(repo)), opts_(opts) {}

  Status Run(int threads, const BlobSink& sink, ScanStats& stats) override {
    Result<RepoPtr> opened = OpenRepository(path_);
    if (!opened.ok()) return opened.status();
    git_repository* repo = opened->get();
    if (git_repository_is_bare(repo) == 1) {
      return Status::InvalidArgument("--staged needs a work tree, " + path_.string() + " is a bare repository");
    }
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
    if (Status s = CollectTasks(d, -1, &tasks, stats); !s.ok()) return s;
    return ReadBlobs(git_repository_path(repo), tasks, {}, threads, IsPartialClone(repo), opts_, sink, stats);
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

    std::string base = range_, head = "HEAD";
    bool merge_base = false;
    if (size_t p = range_.find("..."); p != std::string::npos) {
      base = range_.substr(0, p);
      head = range_.substr(p + 3);
      merge_base = true;
    } else if (size_t q = range_.find(".."); q != std::string::npos) {
      base = range_.substr(0, q);
      head = range_.substr(q + 2);
    }
    if (base.empty()) base = "HEAD";  // git's "..B" and "A.." mean HEAD on the empty side
    if (head.empty()) head = "HEAD";

    Result<CommitPtr> b = Resolve(repo, base);
    if (!b.ok()) return b.status();
    Result<CommitPtr> h = Resolve(repo, head);
    if (!h.ok()) return h.status();
    CommitPtr base_commit = std::move(*b);
    if (merge_base) {
      git_oid mb;
      int rc = git_merge_base(&mb, repo, git_commit_id(base_commit.get()), git_commit_id(h->get()));
      if (rc == GIT_ENOTFOUND) {
        git_error_clear();
        return Status::InvalidArgument("'" + base + "' and '" + head + "' have no common ancestor");
      }
      if (rc < 0) return ErrorStatus(rc, "cannot find the merge base of " + range_);
      git_commit* c = nullptr;
      if (rc = git_commit_lookup(&c, repo, &mb); rc < 0) return ErrorStatus(rc, "cannot read merge base");
      base_commit.reset(c);
    }
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
    if (Status s = CollectTasks(d, 0, &tasks, stats); !s.ok()) return s;
    return ReadBlobs(git_repository_path(repo), tasks, facts, threads, IsPartialClone(repo), opts_, sink, stats);
  }

 private:
  static Result<CommitPtr> Resolve(git_repository* repo, const std::string& rev) {
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

  Library lib_;
  std::filesystem::path path_;
  std::string range_;
  SourceOptions opts_;
};

}  // namespace

std::unique_ptr<Source> MakeStagedSource(std::filesystem::path repo, SourceOptions opts) {
  return std::make_unique<StagedSource>(std::move(repo), opts);
}

std::unique_ptr<Source> MakeDiffSource(std::filesystem::path repo, std::string range, SourceOptions opts) {
  return std::make_unique<DiffSource>(std::move(repo), std::move(range), opts);
}

}  // namespace keyhole::source
