#include "probity/consumer.hpp"
