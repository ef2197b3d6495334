"""Key slots, password hashing and keyring access."""
