#include "train/pickle_check.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace kplab {

namespace {

// What the walk keeps of a pickled value: enough to read storage ids. Shared,
// not copied, between stack and memo: a pickle that nests a memoised tuple in
// itself again and again would otherwise double in size at every step.
struct Value;
using ValueP = std::shared_ptr<const Value>;
struct Value {
  enum Kind { kMark, kInt, kText, kGlobal, kTuple, kOther } kind = kOther;
  int64_t number = 0;
  std::string text;           // kText; kGlobal: "module.name"
  std::vector<ValueP> items;  // kTuple
};

ValueP make(Value::Kind kind) {
  auto v = std::make_shared<Value>();
  v->kind = kind;
  return v;
}

// Bytes of one element of each storage type LibTorch pickles.
int64_t item_size(const std::string& storage_type) {
  static const std::map<std::string, int64_t> sizes = {
      {"torch.FloatStorage", 4},  {"torch.DoubleStorage", 8},   {"torch.HalfStorage", 2},
      {"torch.BFloat16Storage", 2}, {"torch.LongStorage", 8},   {"torch.IntStorage", 4},
      {"torch.ShortStorage", 2},  {"torch.CharStorage", 1},     {"torch.ByteStorage", 1},
      {"torch.BoolStorage", 1},   {"torch.ComplexFloatStorage", 8}, {"torch.ComplexDoubleStorage", 16}};
  const auto it = sizes.find(storage_type);
  return it == sizes.end() ? -1 : it->second;
}

class Walk {
 public:
  Walk(const VerifiedZip& zip, const ZipEntry& entry)
      : zip_(zip), name_(entry.name), data_(zip.contents(entry)),
        records_(name_.substr(0, name_.rfind('.')) + "/") {}

  void run() {
    while (true) {
      if (at_ >= data_.size()) fail("a STOP opcode", "the end of the pickle");
      const size_t op_at = at_;
      const unsigned op = byte();
      switch (op) {
        case 0x80: byte(); break;                    // PROTO
        case 0x95: bytes(8); break;                  // FRAME (protocol 4)
        case '.': if (at_ != data_.size()) fail("the end after STOP", str(data_.size() - at_, " more bytes")); return;
        case 'c': {                                  // GLOBAL module\nname\n
          auto g = std::make_shared<Value>();
          g->kind = Value::kGlobal;
          g->text = line();
          g->text += "." + line();
          push(g);
          break;
        }
        case 'q': memo_put(byte()); break;           // BINPUT
        case 'r': memo_put(uint(4)); break;          // LONG_BINPUT
        case 0x94: memo_put(memo_.size()); break;    // MEMOIZE
        case 'h': memo_get(byte()); break;           // BINGET
        case 'j': memo_get(uint(4)); break;          // LONG_BINGET
        case '(': push(make(Value::kMark)); break;   // MARK
        case ')': push(make(Value::kTuple)); break;  // EMPTY_TUPLE
        case '}': case ']': case 'N': case 0x88: case 0x89: push(other()); break;  // {} [] None True False
        case 't': {                                  // TUPLE
          auto t = std::make_shared<Value>();
          t->kind = Value::kTuple;
          t->items = to_mark();
          push(t);
          break;
        }
        case 0x85: case 0x86: case 0x87: {           // TUPLE1..3
          auto t = std::make_shared<Value>();
          t->kind = Value::kTuple;
          t->items.resize(op - 0x84);
          for (size_t i = t->items.size(); i-- > 0;) t->items[i] = pop();
          push(t);
          break;
        }
        case 'l': case 'd': to_mark(); push(other()); break;  // LIST, DICT
        case 'X': push_text(uint(4)); break;         // BINUNICODE
        case 0x8c: push_text(byte()); break;         // SHORT_BINUNICODE
        case 0x8d: push_text(uint(8)); break;        // BINUNICODE8
        case 'B': push_text(uint(4)); break;         // BINBYTES
        case 'C': push_text(byte()); break;          // SHORT_BINBYTES
        case 0x8e: push_text(uint(8)); break;        // BINBYTES8
        case 'K': push_int(static_cast<int64_t>(byte())); break;          // BININT1
        case 'M': push_int(static_cast<int64_t>(uint(2))); break;         // BININT2
        case 'J': push_int(static_cast<int32_t>(uint(4))); break;         // BININT
        case 0x8a: {                                 // LONG1: n bytes, little-endian two's complement
          const uint64_t n = byte();
          if (n > 8) fail("an integer of at most 8 bytes", str(n, " bytes"));
          uint64_t v = n ? uint(static_cast<int>(n)) : 0;
          if (n && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t{0} << (8 * n);
          push_int(static_cast<int64_t>(v));
          break;
        }
        case 'G': bytes(8); push(other()); break;         // BINFLOAT
        case 'R': case 0x81: pop(); pop(); push(other()); break;  // REDUCE, NEWOBJ: callable/class and arguments
        case 'b': pop(); top(); break;               // BUILD: state onto the object below
        case 's': pop(); pop(); top(); break;        // SETITEM
        case 'a': pop(); top(); break;               // APPEND
        case 'u': case 'e': to_mark(); top(); break; // SETITEMS, APPENDS
        case 'Q': storage(*pop()); push(other()); break;   // BINPERSID
        default:
          at_ = op_at;
          fail("an opcode LibTorch writes", str("opcode 0x", std::hex, op));
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& expected, const std::string& found) const {
    throw input_error(zip_.path, str("entry ", name_, " (pickle), byte ", at_), expected,
                      found + ": the checkpoint is damaged, refused");
  }

  unsigned byte() {
    if (at_ >= data_.size()) fail("more bytes", "the end of the pickle");
    return static_cast<unsigned char>(data_[at_++]);
  }
  void bytes(uint64_t n) {
    if (n > data_.size() - at_) fail(str(n, " more bytes"), str(data_.size() - at_, " left in the pickle"));
    at_ += n;
  }
  uint64_t uint(int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(byte()) << (8 * i);
    return v;
  }
  std::string line() {
    const size_t end = data_.find('\n', at_);
    if (end == std::string::npos || end - at_ > 256) fail("a name ended by a newline", "none");
    std::string s = data_.substr(at_, end - at_);
    at_ = end + 1;
    return s;
  }

  ValueP other() {
    static const ValueP v = make(Value::kOther);
    return v;
  }
  void push(ValueP v) { stack_.push_back(std::move(v)); }
  void push_int(int64_t n) {
    auto v = std::make_shared<Value>();
    v->kind = Value::kInt;
    v->number = n;
    push(v);
  }
  void push_text(uint64_t n) {
    // LibTorch allocates what the length says before reading: check it first.
    const size_t from = at_;
    bytes(n);
    auto v = std::make_shared<Value>();
    v->kind = Value::kText;
    if (n <= 256) v->text = data_.substr(from, static_cast<size_t>(n));  // only short ones are ever read
    push(v);
  }
  ValueP pop() {
    if (stack_.empty() || stack_.back()->kind == Value::kMark) fail("a value on the stack", "none");
    ValueP v = std::move(stack_.back());
    stack_.pop_back();
    return v;
  }
  const ValueP& top() {
    if (stack_.empty() || stack_.back()->kind == Value::kMark) fail("a value on the stack", "none");
    return stack_.back();
  }
  std::vector<ValueP> to_mark() {
    size_t mark = stack_.size();
    while (mark > 0 && stack_[mark - 1]->kind != Value::kMark) --mark;
    if (mark == 0) fail("a MARK", "none on the stack");
    std::vector<ValueP> items(std::make_move_iterator(stack_.begin() + mark), std::make_move_iterator(stack_.end()));
    stack_.resize(mark - 1);
    return items;
  }
  // Pickles written by LibTorch (and Python) number memo entries 0, 1, 2, ...;
  // LibTorch's unpickler grows its table to whatever index it reads.
  void memo_put(uint64_t id) {
    if (id > memo_.size()) fail(str("memo index at most ", memo_.size()), str(id));
    if (id == memo_.size()) memo_.push_back(top());
    else memo_[id] = top();
  }
  void memo_get(uint64_t id) {
    if (id >= memo_.size()) fail(str("memo index below ", memo_.size()), str(id));
    push(memo_[id]);
  }

  // A persistent id: LibTorch's ('storage', torch.<Type>Storage, key, device, numel).
  void storage(const Value& id) {
    if (id.kind != Value::kTuple || id.items.empty() || id.items[0]->kind != Value::kText) return;
    if (id.items[0]->text != "storage") return;  // LibTorch refuses any other kind itself
    const auto& it = id.items;
    if (it.size() != 5 || it[1]->kind != Value::kGlobal || it[2]->kind != Value::kText || it[4]->kind != Value::kInt)
      fail("a storage id ('storage', type, key, device, numel)", "another tuple");
    const int64_t item = item_size(it[1]->text);
    if (item < 0) fail("a known storage type", it[1]->text);
    const int64_t numel = it[4]->number;
    if (numel < 0 || numel > static_cast<int64_t>(zip_.bytes.size())) fail("a storage size within the file", str(numel, " elements"));
    if (numel == 0) return;  // LibTorch reads no record for an empty storage
    const std::string& key = it[2]->text;
    const std::string record = records_ + key;
    const ZipEntry* e = zip_.find(record);
    if (!e) fail(str("a record ", record, " for storage '", key, "'"), "none");
    const uint64_t have = zip_.uncompressed_size(*e);
    if (have != static_cast<uint64_t>(numel * item))
      fail(str("storage '", key, "' of ", numel, " x ", item, " bytes = the size of record ", record),
           str(have, " bytes"));
  }

  const VerifiedZip& zip_;
  const std::string name_;
  const std::string data_;
  const std::string records_;  // "archive/data/" for "archive/data.pkl"
  size_t at_ = 0;
  std::vector<ValueP> stack_;
  std::vector<ValueP> memo_;
};

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

void check_archive_pickles(const VerifiedZip& zip) {
  for (const ZipEntry& e : zip.entries)
    if (ends_with(e.name, ".pkl") || ends_with(e.name, ".debug_pkl")) Walk(zip, e).run();
}

}  // namespace kplab
