// Every source of floorwatch-collector: one factory declaration and one line in the list.
#include "source.h"

namespace floorwatch::collectors {

std::unique_ptr<Source> make_jsonl_source();       // jsonl_source.cpp
std::unique_ptr<Source> make_simulate_source();    // simulate_source.cpp
std::unique_ptr<Source> make_queue_log_source();   // queue_log_source.cpp
std::unique_ptr<Source> make_ami_source();         // ami_source.cpp
std::unique_ptr<Source> make_freeswitch_source();  // freeswitch_source.cpp

const std::vector<SourceRegistration>& registered_sources() {
  static const std::vector<SourceRegistration> sources{
      {"jsonl", "send canonical JSON lines from a file or stdin", make_jsonl_source},
      {"simulate", "simulate a contact centre (deterministic for a seed)", make_simulate_source},
      {"queue-log", "follow an Asterisk queue_log like tail -F", make_queue_log_source},
      {"ami", "Asterisk Manager Interface queue events (live, with QueueStatus seeding)",
       make_ami_source},
      {"freeswitch", "FreeSWITCH mod_callcenter over the Event Socket (live, seeded)",
       make_freeswitch_source},
  };
  return sources;
}

}  // namespace floorwatch::collectors
