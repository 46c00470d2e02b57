"""Operations: verify, replay, backup."""
