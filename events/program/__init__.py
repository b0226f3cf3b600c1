"""The unconference: session proposals, votes, stars, rooms, slots and the schedule."""
