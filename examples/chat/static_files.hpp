// Static files for the example's web page, read into memory once at start-up (nothing
// blocks the io_context thread later) and served with a content type by extension.
#pragma once

#include <map>
#include <string>

#include "sio/engine/response.hpp"

class StaticFiles {
 public:
  // Serves every regular file of `directory` under `prefix` (`index.html` also as the
  // prefix itself). Throws std::runtime_error when it cannot be read.
  void addDirectory(const std::string& prefix, const std::string& directory);
  void addFile(const std::string& urlPath, const std::string& file);
  sio::engine::HttpResponse respond(const sio::engine::Request& request) const;

 private:
  struct File {
    std::string contentType;
    std::string body;
  };
  std::map<std::string, File> files_;
};
