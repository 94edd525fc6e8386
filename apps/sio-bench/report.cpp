// sio-bench: printing results. The text form is derived from the JSON object, so both
// always carry the same fields: nested objects on one line, arrays of objects one item a
// line.
#include "report.hpp"

#include <cmath>
#include <ostream>

#include "sio/codec/json.hpp"

namespace sio::bench {

Value latencyJson(const Histogram& latency) {
  auto micros = [](double ns) { return std::round(ns / 100.0) / 10.0; };
  return Value::object({{"p50", micros(double(latency.quantile(0.5)))},
                        {"p90", micros(double(latency.quantile(0.9)))},
                        {"p99", micros(double(latency.quantile(0.99)))},
                        {"p999", micros(double(latency.quantile(0.999)))},
                        {"max", micros(double(latency.max()))},
                        {"mean", micros(latency.mean())},
                        {"samples", latency.count()}});
}

void printJson(std::ostream& out, const Value& result) {
  out << codec::toJson(result) << "\n";
}

namespace {

std::string scalar(const Value& value) {
  return value.isString() ? value.asString() : codec::toJson(value);
}

// `name value  name value …` on one line.
void printMembers(std::ostream& out, const Value& object) {
  const char* separator = "";
  for (const auto& [name, item] : object.asObject()) {
    out << separator << name << " " << scalar(item);
    separator = "  ";
  }
}

}  // namespace

void printText(std::ostream& out, const Value& result) {
  const Value* workload = result.find("workload");
  out << "sio-bench " << (workload ? scalar(*workload) : "") << "\n";
  for (const auto& [key, value] : result.asObject()) {
    if (key == "workload") continue;
    out << "  " << key << std::string(key.size() < 26 ? 26 - key.size() : 1, ' ');
    if (value.isObject()) {
      printMembers(out, value);
    } else if (value.isArray() && !value.asArray().empty() && value[0].isObject()) {
      for (const Value& item : value.asArray()) {  // e.g. churn's kinds, one a line
        out << "\n    ";
        printMembers(out, item);
      }
    } else {
      out << scalar(value);
    }
    out << "\n";
  }
  if (const Value* saturated = result.find("saturated");
      saturated && saturated->isBool() && saturated->asBool())
    out << "  WARNING: sio-bench itself was CPU-saturated (>= 95% of the cores it had); the "
           "figures may "
           "be the load generator's limit, not the server's\n";
}

}  // namespace sio::bench
