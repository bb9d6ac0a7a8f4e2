// TOML rule files and configs (keyhole and gitleaks dialects) -> RuleSet / Config.
// toml++ throws; this file is its adapter: every parse_error becomes a Status here.
#include "rules/loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/text.h"
#include "rules/embedded.h"
#include "rules/validate.h"

namespace keyhole::rules {
namespace {

// gitleaks stops at 2 levels; a few more cost nothing and still end a cycle quickly.
constexpr int kMaxExtendDepth = 4;

std::string_view TypeName(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::array:
      return "array";
    case toml::node_type::table:
      return "table";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    default:
      return "nothing";
  }
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// Builds error Statuses of the form "FILE:LINE:COL: CONTEXT: REASON".
class Errors {
 public:
  explicit Errors(std::string_view file, bool compile_regexes = true)
      : compile_regexes(compile_regexes), file_(file) {}

  // False for the embedded rules: compiling ~400 regexes was most of start-up, and the
  // suite (and RuleDatabase::Build on a cache miss) compiles them anyway.
  const bool compile_regexes;

  Status At(const toml::source_region& where, std::string_view context,
            const std::string& reason) const {
    std::string msg(file_);
    if (where.begin.line > 0) {
      msg += ':' + std::to_string(where.begin.line) + ':' + std::to_string(where.begin.column);
    }
    msg += ": ";
    if (!context.empty()) {
      msg += context;
      msg += ": ";
    }
    msg += reason;
    return Status::InvalidArgument(std::move(msg));
  }
  Status WrongType(const toml::node& n, std::string_view context, std::string_view key,
                   std::string_view want) const {
    return At(n.source(), context,
              "field " + Quote(key) + " must be " + std::string(want) + ", not " +
                  std::string(TypeName(n)));
  }
  Status Unknown(const toml::key& k, std::string_view context) const {
    return At(k.source(), context, "unknown field " + Quote(k.str()));
  }

  Status String(const toml::node& n, std::string_view ctx, std::string_view key,
                std::string* out) const {
    if (!n.is_string()) return WrongType(n, ctx, key, "a string");
    *out = n.as_string()->get();
    return Status::OK();
  }
  Status Bool(const toml::node& n, std::string_view ctx, std::string_view key, bool* out) const {
    if (!n.is_boolean()) return WrongType(n, ctx, key, "a boolean");
    *out = n.as_boolean()->get();
    return Status::OK();
  }
  Status Strings(const toml::node& n, std::string_view ctx, std::string_view key,
                 std::vector<std::string>* out) const {
    const toml::array* a = n.as_array();
    if (a == nullptr) return WrongType(n, ctx, key, "an array of strings");
    for (const toml::node& e : *a) {
      if (!e.is_string()) return WrongType(e, ctx, key, "an array of strings");
      out->push_back(e.as_string()->get());
    }
    return Status::OK();
  }

 private:
  std::string_view file_;
};

#define KH_RETURN_IF_ERROR(expr) \
  do {                           \
    Status _st = (expr);         \
    if (!_st.ok()) return _st;   \
  } while (0)

Status ParseAllowlist(const Errors& e, const toml::table& t, const std::string& ctx, bool global,
                      Allowlist* out) {
  for (auto&& [k, v] : t) {
    std::string_view key = k.str();
    if (key == "description") {
      KH_RETURN_IF_ERROR(e.String(v, ctx, key, &out->description));
    } else if (key == "condition") {
      std::string c;
      KH_RETURN_IF_ERROR(e.String(v, ctx, key, &c));
      c = AsciiLower(c);
      if (c == "or") {
        out->condition = Condition::kOr;
      } else if (c == "and") {
        out->condition = Condition::kAnd;
      } else {
        return e.At(v.source(), ctx, "condition must be \"OR\" or \"AND\", not " + Quote(c));
      }
    } else if (key == "paths") {
      KH_RETURN_IF_ERROR(e.Strings(v, ctx, key, &out->paths));
    } else if (key == "regexes") {
      KH_RETURN_IF_ERROR(e.Strings(v, ctx, key, &out->regexes));
    } else if (key == "regexTarget") {
      std::string target;
      KH_RETURN_IF_ERROR(e.String(v, ctx, key, &target));
      if (target == "secret" || target.empty()) {
        out->regex_target = RegexTarget::kSecret;
      } else if (target == "match") {
        out->regex_target = RegexTarget::kMatch;
      } else if (target == "line") {
        out->regex_target = RegexTarget::kLine;
      } else {
        return e.At(v.source(), ctx,
                    "regexTarget must be \"secret\", \"match\" or \"line\", not " + Quote(target));
      }
    } else if (key == "stopwords") {
      KH_RETURN_IF_ERROR(e.Strings(v, ctx, key, &out->stopwords));
    } else if (key == "commits") {
      KH_RETURN_IF_ERROR(e.Strings(v, ctx, key, &out->commits));
    } else if (key == "targetRules") {
      if (!global) {
        return e.At(k.source(), ctx,
                    "targetRules is only allowed in a global [[allowlists]] entry");
      }
      KH_RETURN_IF_ERROR(e.Strings(v, ctx, key, &out->target_rules));
    } else {
      return e.Unknown(k, ctx);
    }
  }
  std::string err = CheckAllowlist(*out, global, e.compile_regexes);
  if (!err.empty()) return e.At(t.source(), ctx, err);
  return Status::OK();
}

// Parses `[allowlist]` (a table) or `[[allowlists]]` (an array of tables) under `key`.
Status ParseAllowlists(const Errors& e, const toml::node& v, std::string_view key,
                       const std::string& ctx, bool global, std::vector<Allowlist>* out) {
  if (key == "allowlist") {
    const toml::table* t = v.as_table();
    if (t == nullptr) return e.WrongType(v, ctx, key, "a table");
    Allowlist a;
    KH_RETURN_IF_ERROR(ParseAllowlist(e, *t, ctx + ": allowlist", global, &a));
    out->push_back(std::move(a));
    return Status::OK();
  }
  const toml::array* arr = v.as_array();
  if (arr == nullptr) return e.WrongType(v, ctx, key, "an array of tables");
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::table* t = (*arr)[i].as_table();
    if (t == nullptr) return e.WrongType((*arr)[i], ctx, key, "an array of tables");
    Allowlist a;
    std::string actx = ctx.empty() ? "" : ctx + ": ";
    actx += "allowlists #" + std::to_string(i + 1);
    KH_RETURN_IF_ERROR(ParseAllowlist(e, *t, actx, global, &a));
    out->push_back(std::move(a));
  }
  return Status::OK();
}

Status ParseRule(const Errors& e, const toml::table& t, size_t index, std::string_view file,
                 bool require_pattern, Rule* r) {
  r->source_file = std::string(file);
  std::string ctx = "rule #" + std::to_string(index + 1);
  // The id first, so that every later error can name the rule.
  if (const toml::node* id = t.get("id")) {
    KH_RETURN_IF_ERROR(e.String(*id, ctx, "id", &r->id));
  }
  if (r->id.empty()) return e.At(t.source(), ctx, "missing or empty 'id'");
  ctx = "rule " + Quote(r->id);

  for (auto&& [k, v] : t) {
    std::string_view key = k.str();
    if (key == "id") {
      continue;
    } else if (key == "description") {
      KH_RETURN_IF_ERROR(e.String(v, ctx, key, &r->description));
    } else if (key == "regex") {
      KH_RETURN_IF_ERROR(e.String(v, ctx, key, &r->regex));
    } else if (key == "secretGroup") {
      if (!v.is_integer()) return e.WrongType(v, ctx, key, "an integer");
      int64_t g = v.as_integer()->get();
      if (g < 0 || g > 1000) return e.At(v.source(), ctx, "secretGroup out of range");
      r->secret_group = static_cast<int>(g);
      r->secret_group_set = true;
    } else if (key == "entropy") {
      if (v.is_integer()) {
        r->entropy = static_cast<double>(v.as_integer()->get());
      } else if (v.is_floating_point()) {
        r->entropy = v.as_floating_point()->get();
      } else {
        return e.WrongType(v, ctx, key, "a number");
      }
    } else if (key == "keywords") {
      KH_RETURN_IF_ERROR(e.Strings(v, ctx, key, &r->keywords));
      // Keywords gate a caseless literal search; lower-case them once here.
      for (std::string& kw : r->keywords) kw = AsciiLower(kw);
    } else if (key == "path") {
      KH_RETURN_IF_ERROR(e.String(v, ctx, key, &r->path));
    } else if (key == "tags") {
      KH_RETURN_IF_ERROR(e.Strings(v, ctx, key, &r->tags));
    } else if (key == "allowlist" || key == "allowlists") {
      KH_RETURN_IF_ERROR(ParseAllowlists(e, v, key, ctx, /*global=*/false, &r->allowlists));
    } else if (key == "category") {
      KH_RETURN_IF_ERROR(e.String(v, ctx, key, &r->category));
    } else if (key == "severity") {
      std::string s;
      KH_RETURN_IF_ERROR(e.String(v, ctx, key, &s));
      std::optional<Severity> sev = ParseSeverity(s);
      if (!sev) {
        return e.At(v.source(), ctx,
                    "bad severity " + Quote(s) + " (expected critical, high, medium, low or info)");
      }
      r->severity = *sev;
    } else if (key == "analyzer") {
      KH_RETURN_IF_ERROR(e.String(v, ctx, key, &r->analyzer));
    } else if (key == "help") {
      KH_RETURN_IF_ERROR(e.String(v, ctx, key, &r->help));
    } else if (key == "examples") {
      KH_RETURN_IF_ERROR(e.Strings(v, ctx, key, &r->examples));
    } else if (key == "negative_examples") {
      KH_RETURN_IF_ERROR(e.Strings(v, ctx, key, &r->negative_examples));
    } else if (key == "example_path") {
      KH_RETURN_IF_ERROR(e.String(v, ctx, key, &r->example_path));
    } else if (key == "skipReport") {
      // gitleaks: a rule that only feeds composite rules. Accepting `true` silently would
      // report what the author meant to hide, so only `false` loads.
      bool skip = false;
      KH_RETURN_IF_ERROR(e.Bool(v, ctx, key, &skip));
      if (skip) return e.At(k.source(), ctx, "skipReport = true is not supported");
    } else if (key == "required") {
      return e.At(k.source(), ctx, "composite rules ([[rules.required]]) are not supported");
    } else {
      return e.Unknown(k, ctx);
    }
  }
  std::string err = CheckRule(*r, require_pattern, e.compile_regexes);
  if (!err.empty()) return e.At(t.source(), ctx, err);
  return Status::OK();
}

// What one file says, before [extend] is followed.
struct FileContents {
  RuleSet set;
  bool has_extend = false;
  std::optional<bool> use_default;
  std::string extend_path;
  std::vector<std::string> disabled_rules;
};

Result<FileContents> ParseFile(std::string_view text, std::string_view file, bool is_config,
                               bool compile_regexes = true) {
  Errors e(file, compile_regexes);
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& err) {
    return e.At(err.source(), "", "TOML syntax error: " + std::string(err.description()));
  }

  FileContents out;
  for (auto&& [k, v] : root) {
    std::string_view key = k.str();
    if (key == "title" || key == "version" || key == "description") {
      // Informational in gitleaks configs; nothing to do.
    } else if (key == "rules") {
      const toml::array* arr = v.as_array();
      if (arr == nullptr) return e.WrongType(v, "", key, "an array of tables ([[rules]])");
      std::unordered_map<std::string, uint32_t> first_line;
      for (size_t i = 0; i < arr->size(); ++i) {
        const toml::table* t = (*arr)[i].as_table();
        if (t == nullptr) return e.WrongType((*arr)[i], "", key, "an array of tables ([[rules]])");
        Rule r;
        // A config rule without regex/path may amend a default rule; a rule file's may not.
        KH_RETURN_IF_ERROR(ParseRule(e, *t, i, file, /*require_pattern=*/!is_config, &r));
        auto [it, fresh] = first_line.emplace(r.id, t->source().begin.line);
        if (!fresh) {
          return e.At(t->source(), "rule " + Quote(r.id),
                      "duplicate id (first defined at line " + std::to_string(it->second) + ")");
        }
        out.set.rules.push_back(std::move(r));
      }
    } else if (key == "allowlist" || key == "allowlists") {
      KH_RETURN_IF_ERROR(ParseAllowlists(e, v, key, "", /*global=*/true, &out.set.allowlists));
    } else if (key == "extend") {
      if (!is_config)
        return e.At(k.source(), "", "[extend] is only allowed in a configuration file");
      const toml::table* t = v.as_table();
      if (t == nullptr) return e.WrongType(v, "", key, "a table");
      out.has_extend = true;
      for (auto&& [ek, ev] : *t) {
        std::string_view ekey = ek.str();
        if (ekey == "useDefault") {
          bool b = false;
          KH_RETURN_IF_ERROR(e.Bool(ev, "[extend]", ekey, &b));
          out.use_default = b;
        } else if (ekey == "path") {
          KH_RETURN_IF_ERROR(e.String(ev, "[extend]", ekey, &out.extend_path));
        } else if (ekey == "disabledRules") {
          KH_RETURN_IF_ERROR(e.Strings(ev, "[extend]", ekey, &out.disabled_rules));
        } else if (ekey == "url") {
          return e.At(ek.source(), "[extend]",
                      "'url' is not supported (keyhole never fetches configs)");
        } else {
          return e.Unknown(ek, "[extend]");
        }
      }
    } else {
      return e.Unknown(k, "");
    }
  }
  return out;
}

// Reads at most kMaxConfigBytes. `regular_only` (an [extend] path, which the scanned
// repository's config names) also refuses FIFOs and devices, which would hang or never
// end; the config the user names on the command line may be a pipe (`--config <(...)`).
Result<std::string> ReadWholeFile(const std::filesystem::path& path, bool regular_only) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | (regular_only ? O_NONBLOCK : 0));
  if (fd < 0) return Status::IOError(path.string() + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || (regular_only && !S_ISREG(st.st_mode)) || S_ISDIR(st.st_mode)) {
    close(fd);
    return Status::IOError(path.string() + ": not a regular file");
  }
  std::string text;
  char buf[1 << 16];
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      close(fd);
      return Status::IOError(path.string() + ": read error: " + std::strerror(e));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxConfigBytes) {
      close(fd);
      return Status::InvalidArgument(path.string() + ": larger than " + std::to_string(kMaxConfigBytes >> 20) +
                                     " MiB; not a config file");
    }
  }
  close(fd);
  return text;
}

// Lays `overlay` over `base` (gitleaks' extend semantics). A rule with a regex or a path
// replaces the base rule of the same id; one with neither amends it (description, entropy,
// secretGroup when set; keywords, tags and allowlists appended). `unchecked` gets the rules
// that still need CheckRule(): amended ones and pattern-less ones that found nothing to
// amend. (A rule with its own pattern was checked whole when its file was parsed.)
struct Unchecked {
  size_t index;
  std::string file;  // the file of the amendment, which the error must name
};
void Overlay(RuleSet& base, const RuleSet& overlay, std::vector<Unchecked>* unchecked) {
  for (const Rule& r : overlay.rules) {
    int i = base.Find(r.id);
    bool has_pattern = !r.regex.empty() || !r.path.empty();
    if (i < 0 || has_pattern) {
      if (i < 0) {
        base.rules.push_back(r);
        i = static_cast<int>(base.rules.size() - 1);
      } else {
        base.rules[static_cast<size_t>(i)] = r;
      }
      if (!has_pattern) unchecked->push_back({static_cast<size_t>(i), r.source_file});
      continue;
    }
    Rule& b = base.rules[static_cast<size_t>(i)];
    {
      if (!r.description.empty()) b.description = r.description;
      if (r.entropy != 0) b.entropy = r.entropy;
      if (r.secret_group_set) {
        b.secret_group = r.secret_group;
        b.secret_group_set = true;
      }
      for (const std::string& kw : r.keywords) {
        if (std::find(b.keywords.begin(), b.keywords.end(), kw) == b.keywords.end()) {
          b.keywords.push_back(kw);
        }
      }
      b.tags.insert(b.tags.end(), r.tags.begin(), r.tags.end());
      b.allowlists.insert(b.allowlists.end(), r.allowlists.begin(), r.allowlists.end());
    }
    unchecked->push_back({static_cast<size_t>(i), r.source_file});
  }
  base.allowlists.insert(base.allowlists.end(), overlay.allowlists.begin(),
                         overlay.allowlists.end());
}

void RemoveDisabled(RuleSet& set, const std::vector<std::string>& disabled) {
  if (disabled.empty()) return;
  std::erase_if(set.rules, [&](const Rule& r) {
    return std::find(disabled.begin(), disabled.end(), r.id) != disabled.end();
  });
}

// A rule left without regex and path amended nothing: there was no rule of its id. With
// `defer_patternless`, such rules may still amend a default rule later, in Resolve().
Status CheckUnchecked(const RuleSet& set, const std::vector<Unchecked>& unchecked,
                      bool defer_patternless) {
  for (const Unchecked& u : unchecked) {
    const Rule& r = set.rules[u.index];
    if (defer_patternless && r.regex.empty() && r.path.empty()) continue;
    std::string err = CheckRule(r, /*require_pattern=*/true);
    if (err.empty()) continue;
    if (r.regex.empty() && r.path.empty()) {
      err += " (and there is no default or extended rule with this id to amend)";
    }
    return Status::InvalidArgument(u.file + ": rule " + Quote(r.id) + ": " + err);
  }
  return Status::OK();
}

Result<Config> ParseConfigAtDepth(std::string_view text, std::string_view filename, int depth) {
  Result<FileContents> parsed = ParseFile(text, filename, /*is_config=*/true);
  if (!parsed.ok()) return parsed.status();
  FileContents& f = *parsed;

  Config c;
  c.path = std::string(filename);
  bool base_default = false;
  RuleSet merged;
  if (!f.extend_path.empty()) {
    if (depth >= kMaxExtendDepth) {
      return Status::InvalidArgument(std::string(filename) + ": [extend] path: more than " +
                                     std::to_string(kMaxExtendDepth) +
                                     " levels of extended configs (a cycle?)");
    }
    std::filesystem::path target(f.extend_path);
    if (target.is_relative()) target = std::filesystem::path(filename).parent_path() / target;
    Result<std::string> sub_text = ReadWholeFile(target, /*regular_only=*/true);
    if (!sub_text.ok()) {
      return Status::InvalidArgument(std::string(filename) + ": [extend] path " +
                                     Quote(f.extend_path) + ": " + sub_text.status().message());
    }
    Result<Config> sub = ParseConfigAtDepth(*sub_text, target.string(), depth + 1);
    if (!sub.ok()) return sub.status();
    merged = std::move(sub->rules);
    base_default = sub->use_default;
    c.disabled_rules = sub->disabled_rules;
    RemoveDisabled(merged, f.disabled_rules);
  }
  std::vector<Unchecked> unchecked;
  Overlay(merged, f.set, &unchecked);
  c.rules = std::move(merged);
  c.disabled_rules.insert(c.disabled_rules.end(), f.disabled_rules.begin(), f.disabled_rules.end());

  // gitleaks semantics: a file with its own rules replaces the defaults unless it says
  // useDefault; a file without rules (allowlists, disabledRules only) extends them.
  c.use_default = f.use_default.value_or(false) || base_default ||
                  (!f.use_default.has_value() && c.rules.rules.empty());
  // Without default rules to amend, every rule must stand on its own now.
  KH_RETURN_IF_ERROR(CheckUnchecked(c.rules, unchecked, /*defer_patternless=*/c.use_default));
  return c;
}

}  // namespace

Result<RuleSet> ParseRuleFile(std::string_view toml_text, std::string_view filename) {
  Result<FileContents> parsed = ParseFile(toml_text, filename, /*is_config=*/false);
  if (!parsed.ok()) return parsed.status();
  return std::move(parsed->set);
}

Result<Config> ParseConfig(std::string_view toml_text, std::string_view filename) {
  return ParseConfigAtDepth(toml_text, filename, 0);
}

Result<Config> LoadConfigFile(const std::filesystem::path& path) {
  Result<std::string> text = ReadWholeFile(path, /*regular_only=*/false);
  if (!text.ok()) return text.status();
  return ParseConfig(*text, path.string());
}

Result<RuleSet> DefaultRules() {
  // Parsed and validated once per process; a thread-safe static initializer. Callers get
  // a copy they may modify.
  static const Result<RuleSet> kDefaults = []() -> Result<RuleSet> {
    RuleSet all;
    for (size_t i = 0; i < kEmbeddedRuleFileCount; ++i) {
      const EmbeddedFile& f = kEmbeddedRuleFiles[i];
      std::string name = "<embedded>/" + std::string(f.name);
      Result<FileContents> parsed =
          ParseFile(f.text, name, /*is_config=*/false, /*compile_regexes=*/false);
      Result<RuleSet> one =
          parsed.ok() ? Result<RuleSet>(std::move(parsed->set)) : Result<RuleSet>(parsed.status());
      if (!one.ok()) return Status::Internal("default rules: " + one.status().message());
      for (Rule& r : one->rules) {
        int prev = all.Find(r.id);
        if (prev >= 0) {
          return Status::Internal("default rules: " + name + ": rule " + Quote(r.id) +
                                  ": duplicate id (also in " +
                                  all.rules[static_cast<size_t>(prev)].source_file + ")");
        }
        all.rules.push_back(std::move(r));
      }
      for (Allowlist& a : one->allowlists) all.allowlists.push_back(std::move(a));
    }
    // Every rule and allowlist was checked by ParseFile except for compiling its regexes:
    // the build does that (tools/embed_database.cpp fails on a rule that does not compile),
    // so does the suite (DefaultRules.LoadAndValidate), and RuleDatabase::Build compiles
    // every regex whenever it has neither an embedded nor a cached database for the rules.
    return all;
  }();
  return kDefaults;
}

Result<RuleSet> Resolve(const Config* config) {
  if (config == nullptr) return DefaultRules();
  RuleSet out;
  if (config->use_default) {
    Result<RuleSet> defaults = DefaultRules();
    if (!defaults.ok()) return defaults.status();
    out = std::move(*defaults);
    RemoveDisabled(out, config->disabled_rules);
  }
  std::vector<Unchecked> unchecked;
  Overlay(out, config->rules, &unchecked);
  KH_RETURN_IF_ERROR(CheckUnchecked(out, unchecked, /*defer_patternless=*/false));
  return out;
}

}  // namespace keyhole::rules
