// In-memory static file table for the chat example.
#include "static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace {

std::string contentTypeOf(const std::filesystem::path& path) {
  auto extension = path.extension().string();
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".js") return "application/javascript; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".svg") return "image/svg+xml";
  return "application/octet-stream";
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

void StaticFiles::addFile(const std::string& urlPath, const std::string& file) {
  files_[urlPath] = File{contentTypeOf(file), readFile(file)};
}

void StaticFiles::addDirectory(const std::string& prefix, const std::string& directory) {
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    addFile(prefix + name, entry.path().string());
    if (name == "index.html") files_[prefix] = files_[prefix + name];
  }
}

sio::engine::HttpResponse StaticFiles::respond(const sio::engine::Request& request) const {
  auto it = files_.find(std::string(request.path()));
  if ((request.method() != "GET" && request.method() != "HEAD") || it == files_.end())
    return sio::engine::HttpResponse{404, {{"Content-Type", "text/plain"}}, "Not Found"};
  sio::engine::HttpResponse response{
      200, {{"Content-Type", it->second.contentType}}, it->second.body};
  if (request.method() == "HEAD") response.body.clear();
  return response;
}
