// implemented by the core work
