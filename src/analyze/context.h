// Context detection: credentials without a format, found by what they are bound to and how
// they look. For each binding (binding.h) whose name (variable, key, element, header,
// flag, callee) says credential, a feature vector describes the name, the value's shape
// (length, character classes, entropy, word-likeness, placeholder and reference checks,
// UUID/hex/path/URL/version shapes), the binding's syntax (quoted literal or code) and the
// file (code, config, docs, tests). A small boosted-tree model (models/context.model,
// trained by tools/train_context_model.py, embedded at build time) turns the vector into a
// probability; at or above the model's threshold the binding is reported.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyze/binding.h"

namespace keyhole::analyze {

// What a credential-sounding name says the value is.
enum class NameClass : uint8_t { kNone, kPassword, kSecret };

// The class of `name` (a variable, key, flag or callee): kPassword for password words
// (password, passwd, pwd, pass, passphrase), kSecret for the other credential words
// (secret, token, key, auth, credential, api, salt, nonce, seed, otp, hmac, private,
// signing, session, cookie), kNone otherwise (`author`, `keyboard`, `monkey` are words, not
// credential names).
NameClass ClassifyName(std::string_view name);

// Facts about the file a line comes from, computed once per file.
struct FileFacts {
  int kind = 0;        // FileKind below
  bool test = false;   // test path
  bool doc = false;    // documentation or example path
  bool example = false;  // example/sample/demo/mock/fake in the path
};
FileFacts ClassifyPath(std::string_view path);

// The feature vector of one binding. Feature i's name is FeatureNames()[i]; the model file
// names its features, and the two must agree (checked when the model loads).
// What the features say about the line alone; computed once per line when it has many
// bindings (Features() computes it when not given).
struct LineFeatures {
  double length = 0;
  bool comment = false, assert_ = false, example = false, html_input = false, def = false, print = false;
};
LineFeatures LineFeaturesOf(std::string_view line);
std::vector<float> Features(const Binding& b, std::string_view line, const FileFacts& file,
                            const LineFeatures* line_features = nullptr);
const std::vector<std::string>& FeatureNames();

// The model's probability that the binding holds a credential, and the threshold at or
// above which one is reported.
double ContextScore(const std::vector<float>& features);
// ContextScore() when it is at least `threshold`; otherwise 0 (what it is exactly is not
// computed: the trees still to come could not lift it to the threshold).
double ContextScoreIfReaches(const std::vector<float>& features, double threshold);
double ContextThreshold();

// True for a value no code or prose looks like, whatever the model says: bound as a literal
// (quoted, or a bare config value) to a name whose last word is a credential word, 8-64
// characters with upper case, lower case, digits and a symbol outside base64's alphabet (a
// password policy's shape: `Summer2024!x`), not a hash's name, not a placeholder,
// reference or template. The learned model is fit
// on data whose values were randomised character by character, so it under-rates
// passwords made of words; this keeps them.
bool PolicyShapedLiteral(const Binding& b, std::string_view line);

// Empty if the embedded model loaded and names the same features as Features(); else why not.
std::string ContextModelError();

}  // namespace keyhole::analyze
