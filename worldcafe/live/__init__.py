"""The live edge: Socket.IO transport, socket identities, rooms, events and announcements."""
