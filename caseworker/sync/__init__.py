"""Synchronisation with the central server: the protocol models (the contract), the client engine, transports."""
