// MPI when built with it (GPUBENCH_HAVE_MPI) and launched by mpirun; otherwise one process. Ranks
// exchange their Results as the JSON results document (core/results_json.hpp): one format, one parser.
#include "gpubench/measure/mpi_session.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "gpubench/platform/sysinfo.hpp"
#include "gpubench/core/results_json.hpp"

#ifdef GPUBENCH_HAVE_MPI
// The C API only: the deprecated C++ bindings are not used and do not compile warning-free.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <climits>

#include "gpubench/core/errors.hpp"
#endif

namespace gpubench {

namespace {

// Variables the common launchers set in every process they start: Open MPI, PMI (MPICH's Hydra,
// Slurm), PMIx (Open MPI 5, srun --mpi=pmix), MVAPICH.
const char* launcher_world_size() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MV2_COMM_WORLD_SIZE"})
    if (const char* v = std::getenv(var)) return v;
  if (std::getenv("PMIX_RANK")) return "?";
  return nullptr;
}

}  // namespace

#ifdef GPUBENCH_HAVE_MPI

bool mpi_built() { return true; }

MpiSession::MpiSession() {
  if (!launcher_world_size()) return;
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized && MPI_Init(nullptr, nullptr) != MPI_SUCCESS) {
    note_ = "MPI_Init failed: running as a single process";
    return;
  }
  active_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  // The processes that share this host's memory (and its GPUs).
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &local_rank_);
  MPI_Comm_size(node, &local_size_);
  MPI_Comm_free(&node);
}

MpiSession::~MpiSession() {
  if (!active_) return;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

int MpiSession::max_exit_code(int code) const {
  if (!active_) return code;
  int max = code;
  MPI_Reduce(&code, &max, 1, MPI_INT, MPI_MAX, 0, MPI_COMM_WORLD);
  return is_root() ? max : code;
}

Results MpiSession::gather(const Results& local) const {
  if (!active_) return local;
  const std::string text = results_to_json_text(local);
  // The document is a few KiB per case; the limit is MPI's int counts.
  const int length = text.size() > std::size_t(INT_MAX) ? -1 : int(text.size());
  std::vector<int> lengths(is_root() ? size_ : 0);
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);

  std::vector<int> counts(lengths.size()), offsets(lengths.size());
  long long total = 0;
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    counts[i] = std::max(0, lengths[i]);
    offsets[i] = int(total);
    total += counts[i];
  }
  if (total > INT_MAX)
    throw EnvironmentError("the gathered results exceed 2 GiB: run fewer cases per mpirun");
  std::string all(is_root() ? std::size_t(total) : 0, '\0');
  MPI_Gatherv(text.data(), std::max(0, length), MPI_CHAR, all.data(), counts.data(), offsets.data(),
              MPI_CHAR, 0, MPI_COMM_WORLD);
  if (!is_root()) return local;

  std::vector<Results> per_rank(lengths.size());
  for (std::size_t r = 0; r < per_rank.size(); ++r) {
    const std::string origin = fmt::format("results of rank {}", r);
    try {
      if (lengths[r] < 0) throw std::runtime_error("larger than 2 GiB");
      const std::string_view text_of_rank =
          std::string_view(all).substr(std::size_t(offsets[r]), std::size_t(counts[r]));
      per_rank[r] = results_from_json_text(text_of_rank, origin);
    } catch (const std::exception& e) {
      Record lost;
      lost.backend = "(rank)";
      lost.rank = int(r);
      lost.status = Status::failed;
      lost.reason = fmt::format("{} could not be read: {}", origin, e.what());
      per_rank[r].system.hostname = "?";
      per_rank[r].records.push_back(std::move(lost));
    }
  }
  return merge_rank_results(std::move(per_rank));
}

#else  // no MPI in this build

bool mpi_built() { return false; }

MpiSession::MpiSession() {
  if (const char* n = launcher_world_size(); n && std::string_view(n) != "1")
    note_ = fmt::format(
        "started by an MPI launcher ({} processes), but this gpubench was built without MPI: each "
        "process runs and reports alone (rebuild with libopenmpi-dev installed and "
        "-DGPUBENCH_MPI=ON)",
        n);
}

MpiSession::~MpiSession() = default;

int MpiSession::max_exit_code(int code) const { return code; }

Results MpiSession::gather(const Results& local) const { return local; }

#endif

int threads_for_process(int requested, int local_size) {
  if (requested > 0 || local_size <= 1) return requested;
  // A launcher that binds ranks to cores (Open MPI does for 2 ranks) has already shared the CPUs
  // out: the affinity mask is then smaller than the machine.
  const int allowed = default_cpu_threads();
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  if (online > 0 && allowed < online) return requested;
  return std::max(1, allowed / local_size);
}

Results merge_rank_results(std::vector<Results> per_rank) {
  Results merged;
  if (per_rank.empty()) return merged;
  merged.system = per_rank.front().system;
  merged.pricing = per_rank.front().pricing;
  for (std::size_t r = 0; r < per_rank.size(); ++r) {
    Results& part = per_rank[r];
    merged.interrupted = merged.interrupted || part.interrupted;
    merged.complete = merged.complete && part.complete;
    for (Record& rec : part.records) {
      rec.rank = int(r);
      if (rec.host.empty()) rec.host = part.system.hostname;
      merged.records.push_back(std::move(rec));
    }
    for (auto& b : part.bandwidth) {
      if (b.host.empty()) b.host = part.system.hostname;
      merged.bandwidth.push_back(std::move(b));
    }
    merged.ranks.push_back(std::move(part.system));
  }
  return merged;
}

}  // namespace gpubench
