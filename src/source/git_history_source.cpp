// GitHistorySource: one oldest-first walk over the commits of the selected refs, visiting
// each unique tree once, attributes every reachable blob to the first commit and path
// that hold it; then the blobs are read in pack order on parallel workers.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
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

std::string Join(const std::string& prefix, std::string_view name) {
  std::string path;
  path.reserve(prefix.size() + name.size() + 1);
  path.append(prefix).append(name);
  return path;
}

bool SamePath(const std::string& path, const std::string& prefix, std::string_view name) {
  return path.size() == prefix.size() + name.size() && path.compare(0, prefix.size(), prefix) == 0 &&
         path.compare(prefix.size(), name.size(), name.data(), name.size()) == 0;
}

// A signature (AllowlistFilter::PathSignature) without '1': no allowlist names the path.
bool Clear(const std::string& signature) { return signature.find('1') == std::string::npos; }

// The attribution walk's state. Memory is one entry per unique tree and blob id plus one
// path per blob; no contents are kept.
//
// With path allowlists (`signature` set), a blob first seen at a path an allowlist names
// is "held": each later path it appears at is checked too, so that a copy or a move out of
// testdata/ is not judged at testdata/ only. The first path no allowlist names becomes the
// blob's path (with the commit that put it there), and the blob is released; until then
// every path that an allowlist could judge differently is kept in other_paths. A tree
// holding held blobs is walked again wherever it appears at a new place (a directory
// moved as a whole keeps its tree id).
class Walker {
 public:
  Walker(git_odb* odb, const CorruptObjects& corrupt, ScanStats& stats,
         const std::function<std::string(std::string_view)>& signature)
      : odb_(odb), corrupt_(corrupt), stats_(stats), signature_(signature ? &signature : nullptr) {}

  // Records the blobs of `tree` (and its subtrees) not seen before, attributing them to
  // facts entry `*facts` (filled lazily by `make_facts` when the first new blob appears).
  // Returns whether the tree holds a held blob.
  template <typename MakeFacts>
  bool WalkTree(const git_oid& tree, const std::string& prefix, int32_t* facts, MakeFacts& make_facts) {
    if (!seen_trees_.insert(tree).second) {
      if (signature_ == nullptr || held_trees_.count(tree) == 0) return false;
      if (!walked_at_.insert(PlaceKey(tree, prefix)).second) return true;  // walked here already
    }
    bool held = WalkEntries(tree, prefix, facts, make_facts);
    if (signature_ != nullptr) {
      if (held) {
        held_trees_.insert(tree);
        walked_at_.insert(PlaceKey(tree, prefix));
      } else {
        held_trees_.erase(tree);
      }
    }
    return held;
  }

  // A blob named directly by a ref (a tag of a blob).
  void AddBlob(const git_oid& id, std::string path) {
    if (blob_index_.try_emplace(id, tasks_.size()).second) tasks_.push_back(BlobTask{id, std::move(path), -1, std::nullopt});
  }

  std::vector<BlobTask>& tasks() { return tasks_; }
  const std::set<std::string>& submodules() const { return submodules_; }
  const std::vector<MissingObject>& missing() const { return missing_; }

 private:
  static std::string PlaceKey(const git_oid& tree, const std::string& prefix) {
    std::string key(reinterpret_cast<const char*>(tree.id), GIT_OID_RAWSZ);
    return key.append(prefix);
  }

  // The blob of task `index`, held, is in the tree at `prefix` + `name`. Returns whether it
  // is still held.
  template <typename MakeFacts>
  bool SeenAgain(size_t index, const std::string& prefix, std::string_view name, int32_t* facts,
                 MakeFacts& make_facts) {
    if (SamePath(tasks_[index].path, prefix, name)) return true;
    std::string path = Join(prefix, name);
    std::string sig = (*signature_)(path);
    std::vector<std::string>& sigs = held_[index];
    if (Clear(sig)) {
      // No allowlist names this path: the blob is judged here, where it cannot hide.
      if (*facts == -2) *facts = make_facts();
      BlobTask& t = tasks_[index];
      t.path = std::move(path);
      t.facts = *facts;
      t.other_paths = {};
      held_.erase(index);
      return false;
    }
    if (std::find(sigs.begin(), sigs.end(), sig) == sigs.end()) {
      sigs.push_back(std::move(sig));  // a path judged like none before it
      tasks_[index].other_paths.push_back(std::move(path));
    }
    return true;
  }

  template <typename MakeFacts>
  bool WalkEntries(const git_oid& tree, const std::string& prefix, int32_t* facts, MakeFacts& make_facts) {
    bool held = false;
    const std::string where = prefix.empty() ? "<tree " + OidHex(tree) + ">" : prefix;
    if (const std::string* why = CorruptReason(corrupt_, tree)) {
      stats_.AddError(where, "cannot read tree " + OidHex(tree) + ": " + *why);
      return false;
    }
    git_odb_object* raw = nullptr;
    int rc = git_odb_read(&raw, odb_, &tree);
    if (rc == GIT_ENOTFOUND) {
      git_error_clear();
      missing_.push_back(MissingObject{prefix, tree});
      return false;
    }
    if (rc < 0) {
      stats_.AddError(where, ErrorStatus(rc, "cannot read tree " + OidHex(tree)).message());
      return false;
    }
    std::unique_ptr<git_odb_object, void (*)(git_odb_object*)> obj(raw, git_odb_object_free);
    if (git_odb_object_type(raw) != GIT_OBJECT_TREE) {
      stats_.AddError(where, "object " + OidHex(tree) + " is not a tree");
      return false;
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
      const std::string_view entry(name, static_cast<size_t>(nul - name));
      p = nul + 1 + GIT_OID_RAWSZ;
      // Most entries of a tree were seen in an earlier commit: look them up before building
      // their path, and with try_emplace (emplace allocates a node even for a known key).
      if (mode == 040000) {
        if (seen_trees_.count(id) == 0 || (signature_ != nullptr && held_trees_.count(id) != 0)) {
          held |= WalkTree(id, Join(prefix, entry) + "/", facts, make_facts);
        }
      } else if (mode == 0160000) {
        submodules_.insert(Join(prefix, entry));  // a gitlink: the commit lives in another repo
      } else if (auto [it, added] = blob_index_.try_emplace(id, tasks_.size()); added) {
        if (*facts == -2) *facts = make_facts();
        tasks_.push_back(BlobTask{id, Join(prefix, entry), *facts, std::nullopt});
        if (signature_ != nullptr) {
          std::string sig = (*signature_)(tasks_.back().path);
          if (!Clear(sig)) {
            held_[it->second].push_back(std::move(sig));
            held = true;
          }
        }
      } else if (signature_ != nullptr && held_.count(it->second) != 0) {
        held |= SeenAgain(it->second, prefix, entry, facts, make_facts);
      }
    }
    if (p != end) stats_.AddError(where, "malformed tree object " + OidHex(tree));
    return held;
  }

  git_odb* odb_;
  const CorruptObjects& corrupt_;
  ScanStats& stats_;
  const std::function<std::string(std::string_view)>* signature_;  // nullptr: no path allowlists
  std::unordered_set<git_oid, OidHash, OidEq> seen_trees_;
  std::unordered_map<git_oid, size_t, OidHash, OidEq> blob_index_;
  // Held blobs (task index) and the signatures of the paths recorded for each.
  std::unordered_map<size_t, std::vector<std::string>> held_;
  std::unordered_set<git_oid, OidHash, OidEq> held_trees_;  // trees whose last walk found held blobs
  std::unordered_set<std::string> walked_at_;                // (tree id, prefix) of walks of held trees
  std::vector<BlobTask> tasks_;
  std::set<std::string> submodules_;
  std::vector<MissingObject> missing_;
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
    partial_ = IsPartialClone(repo);
    corrupt_ = FindCorruptLooseObjects(std::filesystem::path(git_repository_commondir(repo)) / "objects");
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
      if (Status s = CheckRevision(repo, rev); !s.ok()) return s;
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

    Walker walker(odb.get(), corrupt_, stats, opts_.base.path_signature);
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
    ReportMissing(walker.missing(), "tree", partial_, stats);

    std::vector<BlobTask>& tasks = walker.tasks();
    DropCorrupt(corrupt_, &tasks, stats);
    SortByPackOrder(repo, tasks);
    return ReadBlobs(git_repository_path(repo), tasks, facts, threads, partial_, opts_.base, sink, stats);
  }

 private:
  // Adds the target of every ref, of every stash entry and of HEAD. Refs are read with the iterator (one read
  // of each loose ref and of packed-refs, not a lookup per name) and their targets
  // deduplicated, so 10,000 branches on a few commits cost a few object reads.
  template <typename AddRoot>
  Status AddAllRefs(git_repository* repo, AddRoot& add_root, ScanStats& stats) {
    std::vector<std::pair<std::string, git_oid>> targets;
    git_reference_iterator* it = nullptr;
    if (int rc = git_reference_iterator_new(&it, repo); rc < 0) return ErrorStatus(rc, "cannot list refs");
    git_reference* ref = nullptr;
    int rc;
    while ((rc = git_reference_next(&ref, it)) == 0) {
      std::string name = git_reference_name(ref);
      git_reference* resolved = nullptr;
      if (int r = git_reference_resolve(&resolved, ref); r < 0) {
        stats.AddError(name, ErrorStatus(r, "cannot resolve ref " + name).message());
      } else {
        targets.emplace_back(std::move(name), *git_reference_target(resolved));
        git_reference_free(resolved);
      }
      git_reference_free(ref);
    }
    git_reference_iterator_free(it);
    if (rc != GIT_ITEROVER) return ErrorStatus(rc, "cannot list refs");
    // Only the newest stash is a ref (refs/stash); older ones live in its reflog.
    git_reflog* reflog = nullptr;
    if (git_reflog_read(&reflog, repo, "refs/stash") == 0) {
      for (size_t i = 0, n = git_reflog_entrycount(reflog); i < n; ++i) {
        if (const git_reflog_entry* e = git_reflog_entry_byindex(reflog, i)) {
          targets.emplace_back("stash@{" + std::to_string(i) + "}", *git_reflog_entry_id_new(e));
        }
      }
      git_reflog_free(reflog);
    }
    git_error_clear();
    git_oid head;
    if (int r = git_reference_name_to_id(&head, repo, "HEAD"); r == 0) {
      targets.emplace_back("HEAD", head);  // a detached HEAD is not under refs/
    } else {
      git_error_clear();  // an unborn HEAD (empty repository) is normal
    }
    // Every linked worktree's HEAD (a detached one is on no ref), and the main worktree's
    // when this is a linked one: whichever checkout the scan starts from, it sees them all.
    git_strarray worktrees = {nullptr, 0};
    if (git_worktree_list(&worktrees, repo) == 0) {
      for (size_t i = 0; i < worktrees.count; ++i) {
        // (git_repository_head_for_worktree crashes in libgit2 1.5 on a detached HEAD.)
        git_worktree* wt = nullptr;
        if (git_worktree_lookup(&wt, repo, worktrees.strings[i]) == 0) {
          git_repository* wt_repo = nullptr;
          if (git_repository_open_from_worktree(&wt_repo, wt) == 0) {
            git_oid wt_head;
            if (git_reference_name_to_id(&wt_head, wt_repo, "HEAD") == 0) {
              targets.emplace_back("HEAD of worktree " + std::string(worktrees.strings[i]), wt_head);
            }
            git_repository_free(wt_repo);
          }
          git_worktree_free(wt);
        }
        git_error_clear();
      }
      git_strarray_dispose(&worktrees);
    }
    git_error_clear();
    if (git_repository_is_worktree(repo) == 1) {
      git_repository* main_repo = nullptr;
      if (git_repository_open(&main_repo, git_repository_commondir(repo)) == 0) {
        git_oid main_head;
        if (git_reference_name_to_id(&main_head, main_repo, "HEAD") == 0) targets.emplace_back("HEAD of the main worktree", main_head);
        git_repository_free(main_repo);
      }
      git_error_clear();
    }
    std::unordered_set<git_oid, OidHash, OidEq> seen;
    for (const auto& [name, oid] : targets) {
      if (!seen.insert(oid).second) continue;
      if (const std::string* why = CorruptReason(corrupt_, oid)) {
        stats.AddError(name, "cannot read object " + OidHex(oid) + " that " + name + " points at: " + *why);
        continue;
      }
      git_object* obj = nullptr;
      if (int r = git_object_lookup(&obj, repo, &oid, GIT_OBJECT_ANY); r < 0) {
        // Name the object and the libgit2 reason (a corrupt pack, a missing object), not
        // just "cannot peel".
        std::string what = "cannot read object " + OidHex(oid) + " that " + name + " points at";
        if (r == GIT_ENOTFOUND && !partial_) {
          git_error_clear();
          stats.AddError(name, "object " + OidHex(oid) + " that " + name + " points at is missing from the repository");
        } else {
          stats.AddError(name, ErrorStatus(r, what).message());
        }
        continue;
      }
      ObjectPtr owned(obj);
      add_root(obj, name);
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
    std::vector<MissingObject> missing;
    for (auto it = roots.rbegin(); it != roots.rend(); ++it) stack.push_back(Frame{*it, {}, false});
    while (!stack.empty()) {
      Frame f = stack.back();
      stack.pop_back();
      if (f.expanded) {
        order.emplace_back(f.commit, f.tree);
        continue;
      }
      if (!visited.insert(f.commit).second) continue;
      if (const std::string* why = CorruptReason(corrupt_, f.commit)) {
        stats.AddError("<commit " + OidHex(f.commit) + ">", "cannot read commit " + OidHex(f.commit) + ": " + *why);
        continue;
      }
      git_commit* c = nullptr;
      int rc = git_commit_lookup(&c, repo, &f.commit);
      if (rc == GIT_ENOTFOUND) {
        git_error_clear();
        missing.push_back(MissingObject{"", f.commit});
        continue;
      }
      if (rc < 0) {
        stats.AddError("<commit " + OidHex(f.commit) + ">", ErrorStatus(rc, "cannot read commit").message());
        continue;
      }
      CommitPtr commit(c);
      stats.commits_walked.fetch_add(1, std::memory_order_relaxed);  // progress: commits found
      stack.push_back(Frame{f.commit, *git_commit_tree_id(c), true});
      if (shallow.count(f.commit) != 0) continue;  // parents cut off by the shallow clone
      // Pushed last-parent first so the first parent's history is emitted first.
      for (unsigned p = git_commit_parentcount(c); p-- > 0;) {
        const git_oid* parent = git_commit_parent_id(c, p);
        if (parent != nullptr && visited.count(*parent) == 0) stack.push_back(Frame{*parent, {}, false});
      }
    }
    ReportMissing(missing, "commit", partial_, stats);
    // Progress, second phase: the commits' trees, N of M.
    stats.commits_walked.store(0, std::memory_order_relaxed);
    stats.commits_planned.store(order.size(), std::memory_order_relaxed);
    for (const auto& [commit_id, tree_id] : order) {
      stats.commits_walked.fetch_add(1, std::memory_order_relaxed);
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

  // git_revparse_single reads the object a name points at; refuse a corrupt one first
  // (a branch, tag or full id; other revision syntax is resolved by libgit2 as is).
  Status CheckRevision(git_repository* repo, const std::string& rev) const {
    if (corrupt_.empty()) return Status::OK();
    git_oid id;
    bool known = false;
    git_reference* ref = nullptr;
    if (git_reference_dwim(&ref, repo, rev.c_str()) == 0) {
      git_reference* resolved = nullptr;
      if (git_reference_resolve(&resolved, ref) == 0) {
        id = *git_reference_target(resolved);
        known = true;
        git_reference_free(resolved);
      }
      git_reference_free(ref);
    } else if (rev.size() == GIT_OID_HEXSZ && git_oid_fromstr(&id, rev.c_str()) == 0) {
      known = true;
    }
    git_error_clear();
    if (!known) return Status::OK();
    if (const std::string* why = CorruptReason(corrupt_, id)) {
      return Status::IOError("cannot read object " + OidHex(id) + " that '" + rev + "' points at: " + *why);
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
  bool partial_ = false;  // a partial clone: absent objects are expected, not errors
  CorruptObjects corrupt_;  // loose objects libgit2 must not read (git_loose_check.h)
};

}  // namespace

std::unique_ptr<Source> MakeGitHistorySource(std::filesystem::path repo, HistoryOptions opts) {
  return std::make_unique<GitHistorySource>(std::move(repo), std::move(opts));
}

}  // namespace keyhole::source
