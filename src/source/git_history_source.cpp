// GitHistorySource: one oldest-first walk over the commits of the selected refs, visiting
// each unique tree once, attributes every reachable blob to the first commit and path
// that hold it; then the blobs are read in pack order on parallel workers.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <numeric>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "source/git_common.h"
#include "source/git_pack_order.h"
#include "source/git_source.h"

namespace keyhole::source {

namespace {

using namespace git;  // NOLINT: this file is the git adapter

struct OidHash {
  size_t operator()(const git_oid& o) const {
    size_t h;
    std::memcpy(&h, o.id, sizeof h);  // SHA-1 bytes are already uniformly distributed
    return h;
  }
};
struct OidEq {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b) != 0; }
};

// The attribution walk's state. Memory is one entry per unique tree and blob id plus one
// path per blob; no contents are kept.
class Walker {
 public:
  Walker(git_odb* odb, ScanStats& stats) : odb_(odb), stats_(stats) {}

  // Records the blobs of `tree` (and its subtrees) not seen before, attributing them to
  // facts entry `*facts` (filled lazily by `make_facts` when the first new blob appears).
  template <typename MakeFacts>
  void WalkTree(const git_oid& tree, const std::string& prefix, int32_t* facts, MakeFacts& make_facts) {
    if (!seen_trees_.insert(tree).second) return;
    git_odb_object* raw = nullptr;
    int rc = git_odb_read(&raw, odb_, &tree);
    if (rc == GIT_ENOTFOUND) {
      git_error_clear();
      missing_++;
      return;
    }
    const std::string where = prefix.empty() ? "<tree " + OidHex(tree) + ">" : prefix;
    if (rc < 0) {
      stats_.AddError(where, ErrorStatus(rc, "cannot read tree " + OidHex(tree)).message());
      return;
    }
    std::unique_ptr<git_odb_object, void (*)(git_odb_object*)> obj(raw, git_odb_object_free);
    if (git_odb_object_type(raw) != GIT_OBJECT_TREE) {
      stats_.AddError(where, "object " + OidHex(tree) + " is not a tree");
      return;
    }
    // Raw tree format: "<octal mode> <name>\0<20-byte id>" repeated. Parsing it directly
    // is much faster than git_tree_lookup's allocation of every entry.
    const char* p = static_cast<const char*>(git_odb_object_data(raw));
    const char* end = p + git_odb_object_size(raw);
    while (p < end) {
      uint32_t mode = 0;
      while (p < end && *p >= '0' && *p <= '7') mode = mode * 8 + static_cast<uint32_t>(*p++ - '0');
      if (p >= end || *p != ' ') break;
      const char* name = ++p;
      const char* nul = static_cast<const char*>(std::memchr(p, '\0', static_cast<size_t>(end - p)));
      if (nul == nullptr || end - nul < 1 + GIT_OID_RAWSZ) {
        p = nullptr;
        break;
      }
      git_oid id;
      git_oid_fromraw(&id, reinterpret_cast<const unsigned char*>(nul + 1));
      std::string path = prefix;
      path.append(name, static_cast<size_t>(nul - name));
      p = nul + 1 + GIT_OID_RAWSZ;
      if (mode == 040000) {
        WalkTree(id, path + "/", facts, make_facts);
      } else if (mode == 0160000) {
        submodules_.insert(std::move(path));  // a gitlink: the commit lives in another repo
      } else if (blob_index_.emplace(id, tasks_.size()).second) {
        if (*facts == -2) *facts = make_facts();
        tasks_.push_back(BlobTask{id, std::move(path), *facts, std::nullopt});
      }
    }
    if (p != end) stats_.AddError(where, "malformed tree object " + OidHex(tree));
  }

  // A blob named directly by a ref (a tag of a blob).
  void AddBlob(const git_oid& id, std::string path) {
    if (blob_index_.emplace(id, tasks_.size()).second) tasks_.push_back(BlobTask{id, std::move(path), -1, std::nullopt});
  }

  std::vector<BlobTask>& tasks() { return tasks_; }
  const std::set<std::string>& submodules() const { return submodules_; }
  uint64_t missing() const { return missing_; }

 private:
  git_odb* odb_;
  ScanStats& stats_;
  std::unordered_set<git_oid, OidHash, OidEq> seen_trees_;
  std::unordered_map<git_oid, size_t, OidHash, OidEq> blob_index_;
  std::vector<BlobTask> tasks_;
  std::set<std::string> submodules_;
  uint64_t missing_ = 0;
};

// "a, b, c and 7 more"
std::string ListSome(const std::vector<std::string>& items, size_t max) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < max; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > max) out += " and " + std::to_string(items.size() - max) + " more";
  return out;
}

class GitHistorySource final : public Source {
 public:
  GitHistorySource(std::filesystem::path repo, HistoryOptions opts)
      : path_(std::move(repo)), opts_(std::move(opts)) {}

  Status Run(int threads, const BlobSink& sink, ScanStats& stats) override {
    Result<RepoPtr> opened = OpenRepository(path_);
    if (!opened.ok()) return opened.status();
    git_repository* repo = opened->get();
    git_odb* o = nullptr;
    if (int rc = git_repository_odb(&o, repo); rc < 0) return ErrorStatus(rc, "cannot open object database");
    OdbPtr odb(o);

    // Roots: commits to walk, and trees/blobs that tags point at directly.
    std::vector<git_oid> commits;
    std::vector<std::pair<git_oid, std::string>> trees, blobs;
    auto add_root = [&](git_object* obj, const std::string& name) {
      ObjectPtr peeled;
      git_object* p = nullptr;
      // Only tags are peeled: peeling a commit with GIT_OBJECT_ANY would yield its tree.
      if (git_object_type(obj) == GIT_OBJECT_TAG) {
        if (int rc = git_object_peel(&p, obj, GIT_OBJECT_ANY); rc < 0) {
          stats.AddError(name, ErrorStatus(rc, "cannot peel tag " + name).message());
          return;
        }
        peeled.reset(p);
        obj = p;
      }
      const git_oid* id = git_object_id(obj);
      switch (git_object_type(obj)) {
        case GIT_OBJECT_COMMIT: commits.push_back(*id); break;
        case GIT_OBJECT_TREE: trees.emplace_back(*id, ""); break;
        case GIT_OBJECT_BLOB: blobs.emplace_back(*id, name); break;
        default: break;
      }
    };
    for (const std::string& rev : opts_.refs) {
      git_object* obj = nullptr;
      if (git_revparse_single(&obj, repo, rev.c_str()) < 0) {
        git_error_clear();
        return Status::InvalidArgument("unknown revision '" + rev + "'");
      }
      ObjectPtr owned(obj);
      add_root(obj, rev);
    }
    if (opts_.all || opts_.refs.empty()) {
      if (Status s = AddAllRefs(repo, add_root, stats); !s.ok()) return s;
    }

    if (git_repository_is_shallow(repo) == 1) NoteShallow(repo, stats);

    Walker walker(odb.get(), stats);
    std::vector<GitFacts> facts;
    if (!commits.empty()) {
      if (Status s = WalkCommits(repo, commits, walker, facts, stats); !s.ok()) return s;
    }
    for (const auto& [id, name] : trees) {
      int32_t none = -1;
      auto no_facts = [] { return int32_t{-1}; };
      walker.WalkTree(id, name, &none, no_facts);
    }
    for (auto& [id, name] : blobs) walker.AddBlob(id, name);

    if (!walker.submodules().empty()) {
      std::vector<std::string> subs(walker.submodules().begin(), walker.submodules().end());
      stats.AddNote("submodules are not entered: " + ListSome(subs, 10));
    }
    if (walker.missing() > 0) {
      stats.missing_objects += walker.missing();
      stats.AddNote(std::to_string(walker.missing()) +
                    " tree object(s) missing from the repository (partial or shallow clone?): "
                    "their files were not scanned");
    }

    std::vector<BlobTask>& tasks = walker.tasks();
    SortByPackOrder(repo, tasks);
    return ReadBlobs(git_repository_path(repo), tasks, facts, threads, opts_.base, sink, stats);
  }

 private:
  template <typename AddRoot>
  Status AddAllRefs(git_repository* repo, AddRoot& add_root, ScanStats& stats) {
    git_reference_iterator* it = nullptr;
    if (int rc = git_reference_iterator_new(&it, repo); rc < 0) return ErrorStatus(rc, "cannot list refs");
    std::vector<std::string> names;
    const char* name = nullptr;
    int rc;
    while ((rc = git_reference_next_name(&name, it)) == 0) names.emplace_back(name);
    git_reference_iterator_free(it);
    if (rc != GIT_ITEROVER) return ErrorStatus(rc, "cannot list refs");
    names.push_back("HEAD");  // a detached HEAD is not under refs/
    for (const std::string& n : names) {
      git_reference* ref = nullptr;
      git_object* obj = nullptr;
      rc = git_reference_lookup(&ref, repo, n.c_str());
      if (rc == 0) {
        rc = git_reference_peel(&obj, ref, GIT_OBJECT_ANY);
        git_reference_free(ref);
      }
      if (rc < 0) {
        // An unborn HEAD (empty repository) is normal; a dangling ref is worth saying.
        if (n == "HEAD") {
          git_error_clear();
        } else {
          stats.AddError(n, ErrorStatus(rc, "cannot resolve ref " + n).message());
        }
        continue;
      }
      ObjectPtr owned(obj);
      add_root(obj, n);
    }
    return Status::OK();
  }

  // Orders the commits reachable from `roots` parents-first, then walks their trees in
  // that order, so the first commit whose tree holds a blob is one that introduced it (no
  // ancestor holds it). This is git_revwalk's TOPOLOGICAL|REVERSE order, done by hand
  // because libgit2 1.5's revwalk fails as a whole on a missing parent — which every
  // shallow clone has, and a damaged repository may have — where we must scan the rest.
  Status WalkCommits(git_repository* repo, const std::vector<git_oid>& roots, Walker& walker,
                     std::vector<GitFacts>& facts, ScanStats& stats) {
    const std::unordered_set<git_oid, OidHash, OidEq> shallow = ShallowCommits(repo);
    struct Frame {
      git_oid commit;
      git_oid tree;
      bool expanded;  // parents already pushed: emit on the next pop (post-order)
    };
    std::vector<Frame> stack;
    std::vector<std::pair<git_oid, git_oid>> order;  // (commit, tree), parents first
    std::unordered_set<git_oid, OidHash, OidEq> visited;
    uint64_t missing = 0;
    for (auto it = roots.rbegin(); it != roots.rend(); ++it) stack.push_back(Frame{*it, {}, false});
    while (!stack.empty()) {
      Frame f = stack.back();
      stack.pop_back();
      if (f.expanded) {
        order.emplace_back(f.commit, f.tree);
        continue;
      }
      if (!visited.insert(f.commit).second) continue;
      git_commit* c = nullptr;
      int rc = git_commit_lookup(&c, repo, &f.commit);
      if (rc == GIT_ENOTFOUND) {
        git_error_clear();
        ++missing;
        continue;
      }
      if (rc < 0) {
        stats.AddError("<commit " + OidHex(f.commit) + ">", ErrorStatus(rc, "cannot read commit").message());
        continue;
      }
      CommitPtr commit(c);
      stack.push_back(Frame{f.commit, *git_commit_tree_id(c), true});
      if (shallow.count(f.commit) != 0) continue;  // parents cut off by the shallow clone
      // Pushed last-parent first so the first parent's history is emitted first.
      for (unsigned p = git_commit_parentcount(c); p-- > 0;) {
        const git_oid* parent = git_commit_parent_id(c, p);
        if (parent != nullptr && visited.count(*parent) == 0) stack.push_back(Frame{*parent, {}, false});
      }
    }
    if (missing > 0) {
      stats.missing_objects += missing;
      stats.AddNote(std::to_string(missing) + " commit(s) missing from the repository: their history was not scanned");
    }
    for (const auto& [commit_id, tree_id] : order) {
      int32_t commit_facts = -2;  // -2: not yet needed (most commits introduce few blobs)
      auto make_facts = [&, id = commit_id]() -> int32_t {
        git_commit* c = nullptr;
        if (git_commit_lookup(&c, repo, &id) < 0) {
          git_error_clear();
          return -1;
        }
        CommitPtr commit(c);
        facts.push_back(CommitFacts(c));
        return static_cast<int32_t>(facts.size() - 1);
      };
      walker.WalkTree(tree_id, "", &commit_facts, make_facts);
    }
    return Status::OK();
  }

  // Commits whose parents a shallow clone left out (the "shallow" file of the git dir).
  static std::unordered_set<git_oid, OidHash, OidEq> ShallowCommits(git_repository* repo) {
    std::unordered_set<git_oid, OidHash, OidEq> out;
    std::ifstream f(std::filesystem::path(git_repository_commondir(repo)) / "shallow");
    for (std::string line; std::getline(f, line);) {
      git_oid id;
      if (line.size() >= GIT_OID_HEXSZ && git_oid_fromstrn(&id, line.data(), GIT_OID_HEXSZ) == 0) out.insert(id);
    }
    return out;
  }

  static void NoteShallow(git_repository* repo, ScanStats& stats) {
    std::ifstream f(std::filesystem::path(git_repository_commondir(repo)) / "shallow");
    std::vector<std::string> grafts;
    for (std::string line; std::getline(f, line);) {
      if (!line.empty()) grafts.push_back(line.substr(0, 12));
    }
    stats.AddNote("shallow clone: history before commit " + ListSome(grafts, 3) + " is not scanned");
  }

  static void SortByPackOrder(git_repository* repo, std::vector<BlobTask>& tasks) {
    std::vector<git_oid> oids;
    oids.reserve(tasks.size());
    for (const BlobTask& t : tasks) oids.push_back(t.oid);
    std::vector<uint64_t> keys =
        PackOrderKeys((std::filesystem::path(git_repository_commondir(repo)) / "objects").string(), oids);
    std::vector<size_t> order(tasks.size());
    std::iota(order.begin(), order.end(), 0);
    // Loose objects (key UINT64_MAX) go last, by oid (the order of their fan-out dirs).
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      if (keys[a] != keys[b]) return keys[a] < keys[b];
      return git_oid_cmp(&tasks[a].oid, &tasks[b].oid) < 0;
    });
    std::vector<BlobTask> sorted;
    sorted.reserve(tasks.size());
    for (size_t i : order) sorted.push_back(std::move(tasks[i]));
    tasks.swap(sorted);
  }

  Library lib_;
  std::filesystem::path path_;
  HistoryOptions opts_;
};

}  // namespace

std::unique_ptr<Source> MakeGitHistorySource(std::filesystem::path repo, HistoryOptions opts) {
  return std::make_unique<GitHistorySource>(std::move(repo), std::move(opts));
}

}  // namespace keyhole::source
