#include "train/checkpoint.h"

#include <filesystem>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/zip_integrity.h"
#include "model/weights_check.h"
#include "train/pickle_check.h"

namespace kplab {

namespace {

torch::Tensor text_tensor(const std::string& s) {
  torch::Tensor t = torch::empty({static_cast<int64_t>(s.size())}, torch::kUInt8);
  if (!s.empty()) std::memcpy(t.data_ptr<uint8_t>(), s.data(), s.size());
  return t;
}

std::string tensor_text(const torch::Tensor& t) {
  torch::Tensor c = t.to(torch::kCPU).contiguous();
  return std::string(reinterpret_cast<const char*>(c.data_ptr<uint8_t>()), c.numel());
}

// A library's message as the tail of a one-line error: its first non-blank
// line, at most 160 characters.
std::string first_line(const std::string& message) {
  std::istringstream text(message);
  std::string line;
  while (std::getline(text, line) && line.find_first_not_of(" \t") == std::string::npos) {}
  return line.substr(0, 160);
}

}  // namespace

void save_checkpoint(const std::string& path, const Checkpoint& c, const torch::nn::Module& model,
                     const torch::optim::Optimizer* optimizer) {
  AtomicFile out(path, true);
  torch::serialize::OutputArchive archive;
  archive.write("format_version", torch::tensor(c.format_version));
  archive.write("phase", torch::tensor(c.progress.phase));
  archive.write("epoch", torch::tensor(c.progress.epoch));
  archive.write("batch", torch::tensor(c.progress.batch));
  archive.write("step", torch::tensor(c.progress.step));
  archive.write("best_metric", torch::tensor(c.progress.best_metric, torch::kFloat64));
  archive.write("loss_scale", torch::tensor(c.progress.loss_scale, torch::kFloat64));
  archive.write("config", text_tensor(c.config));
  archive.write("model_description", text_tensor(c.model));
  archive.write("metrics_csv", text_tensor(c.progress.metrics_csv));
  if (!c.schema_yaml.empty()) archive.write("schema", text_tensor(c.schema_yaml));
  if (!c.joint_names.empty()) {
    std::string names;
    for (const auto& j : c.joint_names) names += j + "\n";
    archive.write("joint_names", text_tensor(names));
  }
  if (c.progress.augment_rng.defined()) archive.write("augment_rng", c.progress.augment_rng);
  if (c.progress.augment_rng_ranks.defined()) archive.write("augment_rng_ranks", c.progress.augment_rng_ranks);
  if (c.progress.epoch_sums.defined()) archive.write("epoch_sums", c.progress.epoch_sums);
  torch::serialize::OutputArchive weights;
  model.save(weights);
  archive.write("model", weights);
  if (optimizer) {
    torch::serialize::OutputArchive state;
    optimizer->save(state);
    archive.write("optimizer", state);
  }
  // Serialised in memory, then written with checked writes: LibTorch's zip
  // writer, failing on a full disk, threw again from its destructor and
  // terminated the process, leaving the temporary behind.
  std::ostringstream bytes;
  archive.save_to(bytes);
  const std::string data = bytes.str();
  write_whole_file(out.temp_path(), data.data(), data.size(), path);
  out.commit();
}

static Checkpoint read_checkpoint(const VerifiedZip& zip, torch::nn::Module* model, const std::string& model_description,
                                  torch::optim::Optimizer* optimizer) {
  const std::string& path = zip.path;
  // Tensors land on the device of what they are loaded into, not the one they
  // were saved from: a run trained on a GPU is evaluated and exported on a
  // CPU-only machine (and LibTorch cannot even read CUDA tensors there).
  torch::Device device(torch::kCPU);
  if (model && !model->parameters().empty()) device = model->parameters().front().device();
  if (optimizer && !optimizer->param_groups().empty() && !optimizer->param_groups().front().params().empty())
    device = optimizer->param_groups().front().params().front().device();
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(reinterpret_cast<const char*>(zip.bytes.data()), zip.bytes.size(), device);  // the bytes just checked
  } catch (const c10::Error& e) {
    throw input_error(path, "checkpoint", "a kplab checkpoint",
                      "an unreadable file (" + first_line(e.what_without_backtrace()) + ")");
  }
  auto read = [&](const char* key) {
    torch::Tensor t;
    if (!archive.try_read(key, t)) throw input_error(path, key, "present (kplab checkpoint)", "none");
    return t;
  };
  Checkpoint c;
  c.format_version = read("format_version").item<int64_t>();
  if (c.format_version != kCheckpointFormatVersion)
    throw input_error(path, "format_version", std::to_string(kCheckpointFormatVersion), std::to_string(c.format_version));
  c.progress.phase = read("phase").item<int64_t>();
  c.progress.epoch = read("epoch").item<int64_t>();
  c.progress.batch = read("batch").item<int64_t>();
  c.progress.step = read("step").item<int64_t>();
  c.progress.best_metric = read("best_metric").item<double>();
  c.config = tensor_text(read("config"));
  c.model = tensor_text(read("model_description"));
  c.progress.metrics_csv = tensor_text(read("metrics_csv"));
  torch::Tensor scale, names, schema;
  if (archive.try_read("schema", schema)) c.schema_yaml = tensor_text(schema);
  if (archive.try_read("loss_scale", scale)) c.progress.loss_scale = scale.item<double>();
  if (archive.try_read("joint_names", names)) {
    std::istringstream in(tensor_text(names));
    for (std::string j; std::getline(in, j);) c.joint_names.push_back(j);
  }
  archive.try_read("augment_rng", c.progress.augment_rng);
  archive.try_read("augment_rng_ranks", c.progress.augment_rng_ranks);
  archive.try_read("epoch_sums", c.progress.epoch_sums);
  if (model) {
    if (c.model != model_description)
      throw Error(str(path, ": model: expected the architecture of this checkpoint (", c.model,
                      "), found another one (", model_description, "); resuming with another architecture is refused"));
    torch::serialize::InputArchive weights;
    if (!archive.try_read("model", weights)) throw input_error(path, "model", "saved weights", "none");
    try {
      model->load(weights);
    } catch (const c10::Error& e) {
      throw Error(str(path, ": model weights do not fit this model: ", e.what_without_backtrace()));
    }
    // Evaluating, exporting or releasing NaN weights gives numbers that look like results.
    const std::string bad = first_nonfinite_parameter(*model);
    if (!bad.empty()) throw input_error(path, str("model weight '", bad, "'"), "finite values", "NaN or infinity; refused");
  }
  if (optimizer) {
    torch::serialize::InputArchive state;
    if (!archive.try_read("optimizer", state)) throw input_error(path, "optimizer", "saved optimizer state", "none");
    optimizer->load(state);
  }
  return c;
}

Checkpoint load_checkpoint(const std::string& path, torch::nn::Module* model, const std::string& model_description,
                           torch::optim::Optimizer* optimizer) {
  if (!std::filesystem::is_regular_file(path)) throw input_error(path, "checkpoint", "an existing file", "no such file");
  const VerifiedZip zip = read_verified_zip(path);  // LibTorch would load a damaged file without a word
  check_archive_pickles(zip);  // nor check a storage against its record
  // Damaged contents with valid CRCs make LibTorch's reader and tensors throw
  // c10::Error, torch::jit::ErrorReport, std::runtime_error or std::out_of_range
  // (found by fuzzing, tests/fuzz/corpus/checkpoint): one line naming the file.
  try {
    return read_checkpoint(zip, model, model_description, optimizer);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    const auto* c10 = dynamic_cast<const c10::Error*>(&e);
    throw input_error(path, "checkpoint", "a readable kplab checkpoint",
                      "an unreadable file (" + first_line(c10 ? c10->what_without_backtrace() : e.what()) + ")");
  }
}

}  // namespace kplab
