#include "probity/compiler.hpp"
