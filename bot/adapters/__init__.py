"""Platform adapters: each turns its platform's events into MemeService calls and job events into messages."""
