"""The chat bot: store, rules, render queue and the Discord and Telegram adapters. Knows nothing of tensors."""
