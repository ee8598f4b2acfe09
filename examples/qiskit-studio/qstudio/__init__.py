"""qiskit-studio: a quantum-circuit backend on LLM OS (qiskit + qiskit-aer, circuit code run in the sandbox)."""
