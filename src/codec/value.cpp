// sio::Value: the out-of-line members of the event-argument value type (object building,
// member lookup and insertion that keep key order and key uniqueness, array append, size,
// and the deep binary check that decides between a plain and a binary Socket.IO packet).
// hasBinary walks with an explicit stack (inline first, heap beyond), so a deeply nested
// value cannot exhaust the call stack there.
#include "sio/codec/value.hpp"

namespace sio {

Value Value::object(std::initializer_list<Member> members) {
  Value v{Object{}};
  v.asObject().reserve(members.size());
  for (const Member& m : members) v.set(m.first, m.second);
  return v;
}

const Value* Value::find(std::string_view key) const {
  const Object* obj = std::get_if<Object>(&data_);
  if (!obj) return nullptr;
  for (const Member& m : *obj)
    if (m.first == key) return &m.second;
  return nullptr;
}

Value* Value::find(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value&>(*this).find(key));
}

Value& Value::operator[](std::string_view key) {
  if (isNull()) data_ = Object{};
  Object& obj = asObject();  // throws std::bad_variant_access when not an object
  for (Member& m : obj)
    if (m.first == key) return m.second;
  return obj.emplace_back(std::string(key), Value()).second;
}

// Like operator[], a null value becomes an empty object first.
void Value::set(std::string key, Value value) {
  if (isNull()) data_ = Object{};
  Object& obj = asObject();
  for (Member& m : obj) {
    if (m.first == key) {
      m.second = std::move(value);
      return;
    }
  }
  obj.emplace_back(std::move(key), std::move(value));
}

void Value::push(Value value) {
  if (isNull()) data_ = Array{};
  asArray().push_back(std::move(value));
}

size_t Value::size() const {
  if (const Array* a = std::get_if<Array>(&data_)) return a->size();
  if (const Object* o = std::get_if<Object>(&data_)) return o->size();
  return 0;
}

bool Value::hasBinary() const {
  if (!isArray() && !isObject()) return isBinary();
  // A fixed stack first (no allocation for the usual small values); a heap stack only for
  // a value with more pending items than it holds.
  constexpr size_t kInline = 32;
  const Value* inlineStack[kInline];
  std::vector<const Value*> heapStack;
  size_t inlineCount = 0;
  auto pushItem = [&](const Value& item) {
    Type type = item.type();
    if (type == Type::Binary) return true;
    if (type != Type::Array && type != Type::Object) return false;  // a leaf: nothing to walk
    if (inlineCount < kInline)
      inlineStack[inlineCount++] = &item;
    else
      heapStack.push_back(&item);
    return false;
  };
  inlineStack[inlineCount++] = this;
  while (inlineCount || !heapStack.empty()) {
    const Value* v;
    if (!heapStack.empty()) {
      v = heapStack.back();
      heapStack.pop_back();
    } else {
      v = inlineStack[--inlineCount];
    }
    if (v->isArray()) {
      for (const Value& item : v->asArray())
        if (pushItem(item)) return true;
    } else {
      for (const Member& m : v->asObject())
        if (pushItem(m.second)) return true;
    }
  }
  return false;
}

bool Value::truthy() const {
  switch (type()) {
    case Type::Null:
      return false;
    case Type::Bool:
      return asBool();
    case Type::Int:
      return asInt() != 0;
    case Type::Double:
      return asDouble() != 0 && asDouble() == asDouble();  // NaN is falsy
    case Type::String:
      return !asString().empty();
    default:
      return true;
  }
}

}  // namespace sio
