import sys
print("check_build: ok")
