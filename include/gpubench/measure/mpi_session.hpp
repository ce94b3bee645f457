// Many machines through MPI: under `mpirun -np N gpubench matmul ...` every rank measures its own
// host and GPU, and the results are gathered to rank 0, which reports them as one. Without a
// launcher, or in a build without MPI (GPUBENCH_MPI=OFF), this is one process: rank 0 of 1.
#pragma once

#include <string>

#include "gpubench/core/record.hpp"

namespace gpubench {

// Whether this build can gather results over MPI.
bool mpi_built();

class MpiSession {
 public:
  // Initialises MPI only when an MPI launcher started this process (mpirun, mpiexec, srun): a
  // plain `gpubench matmul` never touches MPI.
  MpiSession();
  ~MpiSession();  // MPI_Finalize, also when an error unwinds the stack
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  bool active() const { return active_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  // Rank and rank count among the processes of this host: which GPU a rank takes, how many CPU
  // threads it may use.
  int local_rank() const { return local_rank_; }
  int local_size() const { return local_size_; }
  bool is_root() const { return rank_ == 0; }
  // Set when a launcher started several processes that cannot cooperate (a build without MPI):
  // each then runs alone, and this says so.
  const std::string& note() const { return note_; }

  // Collective: the largest `code` of all ranks, on rank 0 (the others get their own back). Rank 0
  // exits with it, so that mpirun's exit status tells of a failure on any rank.
  int max_exit_code(int code) const;

  // Collective: every rank's Results go to rank 0, which gets them merged (every rank's records,
  // `ranks` holding every rank's SystemInfo, `system` its own); the other ranks get theirs back
  // unchanged. A rank whose results cannot be read appears as a failed record naming the reason.
  // Inactive: returns `local` as it is.
  Results gather(const Results& local) const;

 private:
  bool active_ = false;
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
  std::string note_;
};

// CPU threads for one process: the request, or when none was made and `local_size` processes
// share this host without the launcher having bound them to CPUs of their own, an equal share of
// the CPUs (so two ranks on one host do not each spin up a thread per core).
int threads_for_process(int requested, int local_size);

// Merges per-rank Results (index = rank) into one: what rank 0 reports. Exposed for tests.
Results merge_rank_results(std::vector<Results> per_rank);

}  // namespace gpubench
