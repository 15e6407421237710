#include "serve/serve_app.h"

#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <opencv2/imgcodecs.hpp>
#include <random>
#include <thread>

#include "core/error.h"
#include "serve/job_folder.h"
#include "serve/job_queue.h"
#include "serve/page_html.h"
#include "serve/serve_job.h"
#include "serve/upload_check.h"

namespace kplab {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

fs::path default_temp_root() {
  std::random_device rd;
  char tail[20];
  std::snprintf(tail, sizeof tail, "%08x", rd());
  return fs::temp_directory_path() / str("kplab-serve-", ::getpid(), "-", tail);
}

void json_answer(httplib::Response& res, int status, const nlohmann::json& j) {
  res.status = status;
  res.set_content(j.dump(), "application/json");
}

std::string read_file(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  KP_CHECK(f, path.string(), ": cannot read");
  return std::string(std::istreambuf_iterator<char>(f), {});
}

}  // namespace

struct ServeApp::Impl {
  ServeOptions o;
  JobFolders folders;
  std::mutex inputs_mutex;
  std::map<std::string, JobInput> inputs;  // queued and running jobs' uploads
  JobQueue queue;
  httplib::Server server;
  std::mutex sweep_mutex;
  std::condition_variable sweep_wake;
  bool stopping = false;
  std::thread sweeper;
  double warm_up_ms = 0;

  explicit Impl(const ServeOptions& options)
      : o(options),
        folders(o.temp_root.empty() ? default_temp_root() : fs::path(o.temp_root)),
        queue(static_cast<size_t>(o.queue), [this](const std::string& id, const JobQueue::Progress& p) { return work(id, p); }) {}

  nlohmann::json work(const std::string& id, const JobQueue::Progress& progress) {
    JobInput in;
    {
      std::lock_guard<std::mutex> lock(inputs_mutex);
      in = inputs.at(id);
      inputs.erase(id);
    }
    return run_serve_job(o, in, progress);
  }

  // A blank photo through the whole job: loads the model (and classifier) once before serving.
  void warm_up() {
    const auto start = Clock::now();
    const std::string id = folders.create();
    FolderGuard guard(folders, id);
    const JobInput in{folders.folder(id), {false, "JPEG", ".jpg"}, "warm-up"};
    KP_CHECK(cv::imwrite(upload_path(in.folder, in.type).string(), cv::Mat(256, 192, CV_8UC3, cv::Scalar(128, 128, 128))),
             in.folder.string(), ": cannot write the warm-up picture");
    run_serve_job(o, in, [](int64_t, int64_t) {});
    warm_up_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  }

  // Finished jobs' folders go after --keep-seconds; checked every second.
  void sweep_loop() {
    std::unique_lock<std::mutex> lock(sweep_mutex);
    while (!sweep_wake.wait_for(lock, std::chrono::seconds(1), [this] { return stopping; })) {
      for (const std::string& id : queue.finished_before(Clock::now() - std::chrono::seconds(o.keep_seconds))) {
        folders.remove(id);
        queue.forget(id);
      }
    }
  }

  void post_job(const httplib::Request& req, httplib::Response& res);
  void get_status(const std::string& id, httplib::Response& res);
  void get_file(const std::string& id, const std::string& name, httplib::Response& res);
  void routes();
};

void ServeApp::Impl::post_job(const httplib::Request& req, httplib::Response& res) {
  if (!req.is_multipart_form_data() || !req.has_file("file"))
    throw RequestError(400, "upload: expected a form with a file field 'file', found none");
  const httplib::MultipartFormData file = req.get_file_value("file");
  JobInput in;
  in.display_name = check_file_name(file.filename);
  in.type = sniff_upload(file.content, in.display_name);
  if (!in.type.video) check_image_decodes(file.content, in.display_name);
  const std::string id = folders.create();
  FolderGuard guard(folders, id);  // removed on every refusal below
  in.folder = folders.folder(id);
  {
    std::ofstream f(upload_path(in.folder, in.type), std::ios::binary);
    f.write(file.content.data(), static_cast<std::streamsize>(file.content.size()));
    f.close();
    if (!f) throw Error(str(in.display_name, ": the server could not save the upload (is its disk full?)"));
  }
  if (in.type.video) check_video_file(upload_path(in.folder, in.type).string(), in.display_name);
  {
    std::lock_guard<std::mutex> lock(inputs_mutex);
    inputs[id] = in;
  }
  if (!queue.submit(id)) {
    std::lock_guard<std::mutex> lock(inputs_mutex);
    inputs.erase(id);
    throw RequestError(503, str("busy: ", o.queue, " uploads are already waiting; try again in a minute"));
  }
  guard.keep();
  json_answer(res, 202, {{"id", id}, {"kind", in.type.video ? "video" : "image"}, {"format", in.type.format}});
}

void ServeApp::Impl::get_status(const std::string& id, httplib::Response& res) {
  const auto s = queue.status(id);
  if (!s) throw RequestError(404, "job: expected a job of this server, found none with this id (finished jobs are kept for a while only)");
  nlohmann::json j = {{"id", id}, {"state", s->state}, {"frames_done", s->frames_done}, {"frames_total", s->frames_total}};
  if (s->state == "failed") j["error"] = s->error;
  if (s->state == "done") j["result"] = s->result;
  json_answer(res, 200, j);
}

void ServeApp::Impl::get_file(const std::string& id, const std::string& name, httplib::Response& res) {
  const ServedFile* f = find_served_file(name);
  const auto s = queue.status(id);
  if (!f || !s || s->state != "done") throw RequestError(404, "file: expected a finished job's file, found none by this name");
  const fs::path path = served_file_path(folders.folder(id), name);
  if (!fs::is_regular_file(path)) throw RequestError(404, str("file ", name, ": this job has none"));
  res.set_content(read_file(path), f->content_type);
  if (name != "overlay.jpg") res.set_header("Content-Disposition", str("attachment; filename=\"kplab_", name, "\""));
}

void ServeApp::Impl::routes() {
  server.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                              {"Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self'"},
                              {"Cache-Control", "no-store"}});
  server.set_payload_max_length(static_cast<size_t>(max_upload_bytes(o)) + 64 * 1024);  // + the form's own lines
  server.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content(page_html(), "text/html; charset=utf-8"); });
  server.Post("/api/jobs", [this](const httplib::Request& req, httplib::Response& res) { post_job(req, res); });
  server.Get(R"(/api/jobs/([0-9a-f]{16}))",
             [this](const httplib::Request& req, httplib::Response& res) { get_status(req.matches[1], res); });
  server.Get(R"(/api/jobs/([0-9a-f]{16})/files/([a-z]+\.[a-z]+))", [this](const httplib::Request& req, httplib::Response& res) {
    get_file(req.matches[1], req.matches[2], res);
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    try {
      std::rethrow_exception(ep);
    } catch (const RequestError& e) {
      json_answer(res, e.status, {{"error", e.what()}});
    } catch (const std::exception& e) {
      json_answer(res, 500, {{"error", one_line(e.what())}});
    }
  });
  const int64_t mb = o.max_upload_mb;
  server.set_error_handler([mb](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;  // a handler's own answer
    if (res.status == 413)
      json_answer(res, 413, {{"error", str("upload: expected at most ", mb, " MB (kplab serve --max-upload-mb), found a bigger file")}});
    else
      json_answer(res, res.status, {{"error", str("HTTP ", res.status, ": nothing here (the page is at /)")}});
  });
}

ServeApp::ServeApp(const ServeOptions& options) {
  check_serve_options(options);
  impl_ = std::make_unique<Impl>(options);
  impl_->warm_up();
  impl_->routes();
  impl_->sweeper = std::thread([this] { impl_->sweep_loop(); });
}

ServeApp::~ServeApp() {
  stop();
  {
    std::lock_guard<std::mutex> lock(impl_->sweep_mutex);
    impl_->stopping = true;
  }
  impl_->sweep_wake.notify_all();
  impl_->sweeper.join();
}

int ServeApp::bind() {
  const ServeOptions& o = impl_->o;
  // cpp-httplib 0.11 listens with a backlog of 5: 20 uploads at once then
  // overflow the kernel's accept queue and some connections fail after a
  // second. Its socket-options hook gives the socket; listen() again on a
  // listening socket raises the backlog (Linux), so connections wait in the
  // kernel and every upload gets an answer, "busy" at worst.
  int socket_fd = -1;
  impl_->server.set_socket_options([&socket_fd](socket_t sock) {
    int yes = 1;  // what httplib's default hook does (less SO_REUSEPORT: one server per port)
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    socket_fd = sock;
  });
  const int port = o.port == 0 ? impl_->server.bind_to_any_port(o.host) : (impl_->server.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port <= 0)
    throw input_error(str(o.host, ":", o.port), "--host/--port", "an address and port this machine can listen on",
                      "one it cannot bind (in use, or not an address of this machine)");
  if (socket_fd >= 0) ::listen(socket_fd, SOMAXCONN);
  return port;
}

void ServeApp::listen() { impl_->server.listen_after_bind(); }
void ServeApp::stop() { impl_->server.stop(); }
std::string ServeApp::temp_root() const { return impl_->folders.root().string(); }
double ServeApp::warm_up_ms() const { return impl_->warm_up_ms; }

}  // namespace kplab
